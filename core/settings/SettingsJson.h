#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "core/settings/StyleSettings.h"

namespace impasto {

// The settings that toJson(const StyleSettings&) wrote: a preset file, the settings stored in an
// exported PNG or in a recovery manifest. Every key is optional (missing ones keep the value of
// StyleSettings{}); text that is not JSON, a key given twice, an unknown key, a value of the
// wrong type, a number that is not finite or does not fit, and any value validate() refuses
// throw impasto::Error naming the setting.
StyleSettings settingsFromJson(std::string_view json);
// The same for settings already parsed, e.g. as an object inside another document.
StyleSettings settingsFromJsonObject(const nlohmann::json& object);

// What toJson writes, as an object to store inside another document: every field, in the
// order of StyleSettings; weights that are not finite become null (which is refused on reading).
nlohmann::ordered_json settingsToJsonObject(const StyleSettings& settings);

}  // namespace impasto

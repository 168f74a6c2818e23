#pragma once

#include <string_view>

#include "core/settings/StyleSettings.h"

namespace impasto {

// The settings that toJson(const StyleSettings&) wrote: a preset file, the settings stored in an
// exported PNG or in a recovery manifest. Every key is optional (missing ones keep the value of
// StyleSettings{}); an unknown key, a value of the wrong type, a number that is not finite or
// does not fit, and any value validate() refuses throw impasto::Error naming the setting.
StyleSettings settingsFromJson(std::string_view json);

}  // namespace impasto

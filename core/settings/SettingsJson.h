#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings/StyleSettings.h"

namespace impasto {

// The settings' JSON form: "version" 2 has tvWeight on kSmoothnessScale's scale
// (core/settings/SmoothnessScale.h); settings without "version" (version 1, written before it)
// have their tvWeight converted on reading, so that an old preset gives the picture it gave.
inline constexpr int kSettingsVersion = 2;

// The settings that toJson(const StyleSettings&) wrote: a preset file, the settings stored in an
// exported PNG or in a recovery manifest. Every key is optional (missing ones keep the value of
// StyleSettings{}); text that is not JSON, a key given twice, an unknown key, a value of the
// wrong type, a number that is not finite or does not fit, and any value validate() refuses
// throw impasto::Error naming the setting.
StyleSettings settingsFromJson(std::string_view json);
// The same for settings already parsed, e.g. as an object inside another document.
StyleSettings settingsFromJsonObject(const nlohmann::json& object);

// What toJson writes, as an object to store inside another document: "version", then every
// field, in the order of StyleSettings; weights that are not finite become null (which is refused
// on reading).
nlohmann::ordered_json settingsToJsonObject(const StyleSettings& settings);

// What a run used besides its settings, stored with them in an exported image so that the
// image is a complete recipe: "content": "photo.jpg", "styles": [{"file": "a.jpg", "blend": 3},
// ...] (blend: the painting's weight, 1 when the weights are equal), "iterations": 300, and
// for a run that started from an image ("init": "image") "initImage": "start.png", or
// "initFastStyle": "style.safetensors" when the start was that fast style's result on the photo.
// settingsFromJson accepts these keys (and checks their types) and leaves them out.
struct RunInputs {
    std::optional<std::string> content;
    std::vector<std::string> styles;
    std::optional<int> iterations;
    std::optional<std::string> initImage;
    bool initIsFastStyle = false;  // initImage is a fast style's file, not a picture

    bool operator==(const RunInputs&) const = default;
};

// The settings with the inputs, as one JSON object in ASCII (other characters escaped), so that
// a PNG tEXt chunk, which tools such as ImageMagick show, can hold it.
std::string recipeToJson(const StyleSettings& settings, const RunInputs& inputs);
// The inputs named in settings JSON (none for a plain preset); throws impasto::Error like
// settingsFromJson.
RunInputs runInputsFromJson(std::string_view json);

}  // namespace impasto

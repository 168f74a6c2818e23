#include "core/settings/SettingsJson.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "core/common/Error.h"
#include "core/common/StrictJson.h"
#include "core/settings/SettingNames.h"
#include "core/settings/SmoothnessScale.h"

namespace impasto {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

[[noreturn]] void failSetting(const std::string& key, const std::string& problem) {
    throw Error("Setting \"" + key + "\" " + problem);
}

double readDouble(const json& value, const std::string& key) {
    // toJson writes null for a weight that was not finite; that is refused here, not repaired.
    // Numbers beyond double's range never get here: the parser refuses them.
    if (!value.is_number()) {
        failSetting(key, "must be a number");
    }
    return value.get<double>();
}

// A whole number of type T, as written: "512.0" and "1e3" are refused like "512.5", so that
// large seeds are never read through a lossy double.
template <typename T>
T readWhole(const json& value, const std::string& key) {
    if (!value.is_number()) {
        failSetting(key, "must be a whole number");
    }
    const bool negative =
        value.is_number_float()
            ? value.get<double>() < 0.0
            : value.is_number_integer() && !value.is_number_unsigned() && value.get<int64_t>() < 0;
    if (std::is_unsigned_v<T> && negative) {
        failSetting(key, "must be a whole number, not " + value.dump());
    }
    if (value.is_number_float()) {
        // nlohmann reads an integer too large for 64 bits as a double.
        const double number = value.get<double>();
        const double limit = std::ldexp(1.0, std::numeric_limits<T>::digits);
        if (number == std::trunc(number) && (number >= limit || number < -limit)) {
            failSetting(key, "is out of range: " + value.dump());
        }
        failSetting(key, "must be a whole number, not " + value.dump());
    }
    if (value.is_number_unsigned()) {
        const uint64_t number = value.get<uint64_t>();
        if (number > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
            failSetting(key, "is out of range: " + value.dump());
        }
        return static_cast<T>(number);
    }
    const int64_t number = value.get<int64_t>();
    if (number < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        (number > 0 &&
         static_cast<uint64_t>(number) > static_cast<uint64_t>(std::numeric_limits<T>::max()))) {
        failSetting(key, "is out of range: " + value.dump());
    }
    return static_cast<T>(number);
}

bool readBool(const json& value, const std::string& key) {
    if (!value.is_boolean()) {
        failSetting(key, "must be true or false");
    }
    return value.get<bool>();
}

std::string readString(const json& value, const std::string& key) {
    if (!value.is_string()) {
        failSetting(key, "must be a string");
    }
    return value.get<std::string>();
}

template <typename Enum>
Enum readChoice(const json& value, const std::string& key) {
    const std::string name = readString(value, key);
    const std::optional<Enum> choice = parseChoice<Enum>(name);
    if (!choice) {
        failSetting(key, "must be one of " + choiceList<Enum>() + ", not \"" + name + "\"");
    }
    return *choice;
}

std::vector<double> readDoubles(const json& value, const std::string& key) {
    if (!value.is_array()) {
        failSetting(key, "must be a list of numbers");
    }
    std::vector<double> numbers;
    for (const json& element : value) {
        numbers.push_back(readDouble(element, key));
    }
    return numbers;
}

// [{"layer": "relu1_1", "weight": 0.5}, ...]; a missing weight is 1, as in "relu1_1" on the CLI.
std::vector<LayerWeight> readLayers(const json& value, const std::string& key) {
    const char* expected = "must be a list of {\"layer\", \"weight\"} objects";
    if (!value.is_array()) {
        failSetting(key, expected);
    }
    std::vector<LayerWeight> layers;
    for (const json& element : value) {
        if (!element.is_object()) {
            failSetting(key, expected);
        }
        LayerWeight layer;
        bool named = false;
        for (const auto& [member, memberValue] : element.items()) {
            if (member == "layer") {
                layer.layer = readString(memberValue, key + ".layer");
                named = !layer.layer.empty();
            } else if (member == "weight") {
                layer.weight = readDouble(memberValue, key + ".weight");
            } else {
                failSetting(key, "has an unknown key \"" + member + "\" in a layer");
            }
        }
        if (!named) {
            failSetting(key, "has a layer without a name");
        }
        layers.push_back(layer);
    }
    return layers;
}

using FieldReader = std::function<void(StyleSettings&, const json&, const std::string&)>;

// One reader per key that toJson writes.
const std::map<std::string, FieldReader>& fieldReaders() {
    static const std::map<std::string, FieldReader> readers = {
        {"contentWeight", [](StyleSettings& s, const json& v,
                             const std::string& k) { s.contentWeight = readDouble(v, k); }},
        {"styleWeight", [](StyleSettings& s, const json& v,
                           const std::string& k) { s.styleWeight = readDouble(v, k); }},
        {"tvWeight", [](StyleSettings& s, const json& v,
                        const std::string& k) { s.tvWeight = readDouble(v, k); }},
        {"contentLayers", [](StyleSettings& s, const json& v,
                             const std::string& k) { s.contentLayers = readLayers(v, k); }},
        {"styleLayers", [](StyleSettings& s, const json& v,
                           const std::string& k) { s.styleLayers = readLayers(v, k); }},
        {"styleBlend", [](StyleSettings& s, const json& v,
                          const std::string& k) { s.styleBlend = readDoubles(v, k); }},
        {"styleScale", [](StyleSettings& s, const json& v,
                          const std::string& k) { s.styleScale = readDouble(v, k); }},
        {"outputSize", [](StyleSettings& s, const json& v,
                          const std::string& k) { s.outputSize = readWhole<int>(v, k); }},
        {"optimizer", [](StyleSettings& s, const json& v,
                         const std::string& k) { s.optimizer = readChoice<OptimizerKind>(v, k); }},
        {"learningRate", [](StyleSettings& s, const json& v,
                            const std::string& k) { s.learningRate = readDouble(v, k); }},
        {"init", [](StyleSettings& s, const json& v,
                    const std::string& k) { s.init = readChoice<InitKind>(v, k); }},
        {"seed", [](StyleSettings& s, const json& v,
                    const std::string& k) { s.seed = readWhole<uint64_t>(v, k); }},
        {"preserveColors", [](StyleSettings& s, const json& v,
                              const std::string& k) { s.preserveColors = readBool(v, k); }},
        {"pooling", [](StyleSettings& s, const json& v,
                       const std::string& k) { s.pooling = readChoice<PoolingMode>(v, k); }},
        {"coarseToFine", [](StyleSettings& s, const json& v,
                            const std::string& k) { s.coarseToFine = readBool(v, k); }},
        {"precision", [](StyleSettings& s, const json& v,
                         const std::string& k) { s.precision = readChoice<Precision>(v, k); }},
        {"threads", [](StyleSettings& s, const json& v,
                       const std::string& k) { s.threads = readWhole<int>(v, k); }},
        {"styleLoss", [](StyleSettings& s, const json& v,
                         const std::string& k) { s.styleLoss = readChoice<StyleLoss>(v, k); }},
        {"averageDecay", [](StyleSettings& s, const json& v,
                            const std::string& k) { s.averageDecay = readDouble(v, k); }},
        {"minScale", [](StyleSettings& s, const json& v,
                        const std::string& k) { s.minScale = readWhole<int>(v, k); }},
        {"initialIterations",
         [](StyleSettings& s, const json& v, const std::string& k) {
             s.initialIterations = readWhole<int>(v, k);
         }},
        {"scaleIterations", [](StyleSettings& s, const json& v,
                               const std::string& k) { s.scaleIterations = readWhole<int>(v, k); }},
        {"normalizeGradients", [](StyleSettings& s, const json& v,
                                  const std::string& k) { s.normalizeGradients = readBool(v, k); }},
        {"lbfgsHistory", [](StyleSettings& s, const json& v,
                            const std::string& k) { s.lbfgsHistory = readWhole<int>(v, k); }},
        {"tile", [](StyleSettings& s, const json& v,
                    const std::string& k) { s.tile = readWhole<int>(v, k); }},
        {"strength", [](StyleSettings& s, const json& v,
                        const std::string& k) { s.strength = readDouble(v, k); }},
    };
    return readers;
}

ordered_json layersJson(const std::vector<LayerWeight>& layers) {
    ordered_json list = ordered_json::array();
    for (const LayerWeight& layer : layers) {
        list.push_back({{"layer", layer.layer}, {"weight", layer.weight}});
    }
    return list;
}

bool isRunInputKey(const std::string& key) {
    return key == "content" || key == "styles" || key == "iterations" || key == "initImage" ||
           key == "initFastStyle";
}

RunInputs readRunInputs(const json& document) {
    RunInputs inputs;
    if (const auto content = document.find("content"); content != document.end()) {
        inputs.content = readString(*content, "content");
    }
    if (const auto styles = document.find("styles"); styles != document.end()) {
        const char* expected = "must be a list of {\"file\", \"blend\"} objects";
        if (!styles->is_array()) {
            failSetting("styles", expected);
        }
        for (const json& style : *styles) {
            if (!style.is_object() || !style.contains("file")) {
                failSetting("styles", expected);
            }
            for (const auto& [member, value] : style.items()) {
                if (member == "file") {
                    inputs.styles.push_back(readString(value, "styles.file"));
                } else if (member == "blend") {
                    readDouble(value, "styles.blend");  // the styleBlend setting is what counts
                } else {
                    failSetting("styles", "has an unknown key \"" + member + "\" in a style");
                }
            }
        }
    }
    if (const auto iterations = document.find("iterations"); iterations != document.end()) {
        inputs.iterations = readWhole<int>(*iterations, "iterations");
        if (*inputs.iterations < 0) {
            failSetting("iterations", "must be at least 0");
        }
    }
    for (const char* key : {"initImage", "initFastStyle"}) {
        if (const auto start = document.find(key); start != document.end()) {
            if (inputs.initImage) {
                failSetting(key, "cannot go with initImage: a run starts from one image");
            }
            inputs.initImage = readString(*start, key);
            inputs.initIsFastStyle = std::string_view(key) == "initFastStyle";
        }
    }
    return inputs;
}

json parseSettingsDocument(std::string_view text) {
    try {
        return parseStrictJson(text);
    } catch (const JsonError& error) {
        if (!error.overflowingNumber().empty() && !error.key().empty()) {
            failSetting(error.key(), "must be a finite number, not " + error.overflowingNumber());
        }
        throw Error(std::string("The settings are not valid JSON: ") + error.what());
    }
}

}  // namespace

RunInputs runInputsFromJson(std::string_view text) {
    const json document = parseSettingsDocument(text);
    if (!document.is_object()) {
        throw Error("The settings must be a JSON object ({...})");
    }
    return readRunInputs(document);
}

std::string recipeToJson(const StyleSettings& settings, const RunInputs& inputs) {
    ordered_json recipe = settingsToJsonObject(settings);
    if (inputs.content) {
        recipe["content"] = *inputs.content;
    }
    if (!inputs.styles.empty()) {
        ordered_json styles = ordered_json::array();
        for (size_t i = 0; i < inputs.styles.size(); ++i) {
            const double blend = i < settings.styleBlend.size() ? settings.styleBlend[i] : 1.0;
            styles.push_back({{"file", inputs.styles[i]}, {"blend", blend}});
        }
        recipe["styles"] = std::move(styles);
    }
    if (inputs.iterations) {
        recipe["iterations"] = *inputs.iterations;
    }
    if (inputs.initImage) {
        recipe[inputs.initIsFastStyle ? "initFastStyle" : "initImage"] = *inputs.initImage;
    }
    return recipe.dump(-1, ' ', true, ordered_json::error_handler_t::replace);
}

StyleSettings settingsFromJson(std::string_view text) {
    return settingsFromJsonObject(parseSettingsDocument(text));
}

StyleSettings settingsFromJsonObject(const json& document) {
    if (!document.is_object()) {
        throw Error("The settings must be a JSON object ({...})");
    }
    readRunInputs(document);
    int version = 1;  // written before versions were
    if (const auto stored = document.find("version"); stored != document.end()) {
        version = readWhole<int>(*stored, "version");
        if (version < 1 || version > kSettingsVersion) {
            failSetting("version",
                        "is " + std::to_string(version) + ", and this Impasto reads up to " +
                            std::to_string(kSettingsVersion) + ": open it with a newer Impasto");
        }
    }
    StyleSettings settings;
    for (const auto& [key, value] : document.items()) {
        if (isRunInputKey(key) || key == "version") {
            continue;
        }
        const auto reader = fieldReaders().find(key);
        if (reader == fieldReaders().end()) {
            throw Error("Unknown setting \"" + key + "\"");
        }
        reader->second(settings, value, key);
    }
    if (version < 2 && document.contains("tvWeight")) {
        settings.tvWeight = tvWeightFromUnscaled(settings.tvWeight);
    }
    validate(settings);
    return settings;
}

ordered_json settingsToJsonObject(const StyleSettings& s) {
    // nlohmann writes NaN and infinity as null.
    return {
        {"version", kSettingsVersion},
        {"contentWeight", s.contentWeight},
        {"styleWeight", s.styleWeight},
        {"tvWeight", s.tvWeight},
        {"contentLayers", layersJson(s.contentLayers)},
        {"styleLayers", layersJson(s.styleLayers)},
        {"styleBlend", s.styleBlend},
        {"styleScale", s.styleScale},
        {"outputSize", s.outputSize},
        {"optimizer", toString(s.optimizer)},
        {"learningRate", s.learningRate},
        {"init", toString(s.init)},
        {"seed", s.seed},
        {"preserveColors", s.preserveColors},
        {"pooling", toString(s.pooling)},
        {"coarseToFine", s.coarseToFine},
        {"precision", toString(s.precision)},
        {"threads", s.threads},
        {"styleLoss", toString(s.styleLoss)},
        {"averageDecay", s.averageDecay},
        {"minScale", s.minScale},
        {"initialIterations", s.initialIterations},
        {"scaleIterations", s.scaleIterations},
        {"normalizeGradients", s.normalizeGradients},
        {"lbfgsHistory", s.lbfgsHistory},
        {"tile", s.tile},
        {"strength", s.strength},
    };
}

std::string toJson(const StyleSettings& settings) {
    // Layer names come from users: bytes that are not UTF-8 become U+FFFD rather than an error.
    return settingsToJsonObject(settings).dump(-1, ' ', false,
                                               ordered_json::error_handler_t::replace);
}

}  // namespace impasto

#include "core/settings/SettingsJson.h"

#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/common/Error.h"
#include "core/common/Text.h"
#include "core/weights/Json.h"

namespace impasto {

namespace {

[[noreturn]] void failSetting(const std::string& key, const std::string& problem) {
    throw Error("Setting \"" + key + "\" " + problem);
}

void requireKind(const JsonValue& value, JsonValue::Kind kind, const std::string& key,
                 const char* expected) {
    if (value.kind != kind) {
        failSetting(key, std::string("must be ") + expected);
    }
}

double readDouble(const JsonValue& value, const std::string& key) {
    // toJson writes null for a weight that was not finite; that is refused here, not repaired.
    requireKind(value, JsonValue::Kind::Number, key, "a number");
    const std::optional<double> number = parseNumber(value.text);
    if (!number) {
        failSetting(key, "must be a finite number, not " + value.text);
    }
    return *number;
}

// A whole number of type T, read from the literal itself so that large seeds stay exact.
template <typename T>
T readWhole(const JsonValue& value, const std::string& key) {
    requireKind(value, JsonValue::Kind::Number, key, "a whole number");
    T number{};
    const char* end = value.text.data() + value.text.size();
    const auto [stop, error] = std::from_chars(value.text.data(), end, number);
    if (error == std::errc::result_out_of_range) {
        failSetting(key, "is out of range: " + value.text);
    }
    if (error != std::errc() || stop != end) {
        failSetting(key, "must be a whole number, not " + value.text);
    }
    return number;
}

bool readBool(const JsonValue& value, const std::string& key) {
    requireKind(value, JsonValue::Kind::Boolean, key, "true or false");
    return value.boolean;
}

std::string readString(const JsonValue& value, const std::string& key) {
    requireKind(value, JsonValue::Kind::String, key, "a string");
    return value.text;
}

template <typename Enum>
Enum readChoice(const JsonValue& value, const std::string& key,
                const std::map<std::string, Enum>& choices) {
    const std::string name = readString(value, key);
    const auto found = choices.find(name);
    if (found == choices.end()) {
        std::string names;
        for (const auto& [choice, unused] : choices) {
            names += (names.empty() ? "" : ", ") + choice;
        }
        failSetting(key, "must be one of " + names + ", not \"" + name + "\"");
    }
    return found->second;
}

std::vector<double> readDoubles(const JsonValue& value, const std::string& key) {
    requireKind(value, JsonValue::Kind::Array, key, "a list of numbers");
    std::vector<double> numbers;
    for (const JsonValue& element : value.elements) {
        numbers.push_back(readDouble(element, key));
    }
    return numbers;
}

// [{"layer": "relu1_1", "weight": 0.5}, ...]; a missing weight is 1, as in "relu1_1" on the CLI.
std::vector<LayerWeight> readLayers(const JsonValue& value, const std::string& key) {
    requireKind(value, JsonValue::Kind::Array, key, "a list of {\"layer\", \"weight\"} objects");
    std::vector<LayerWeight> layers;
    for (const JsonValue& element : value.elements) {
        requireKind(element, JsonValue::Kind::Object, key,
                    "a list of {\"layer\", \"weight\"} objects");
        LayerWeight layer;
        bool named = false;
        for (const auto& [member, memberValue] : element.members) {
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

using FieldReader = std::function<void(StyleSettings&, const JsonValue&, const std::string&)>;

// One reader per key that toJson writes.
const std::map<std::string, FieldReader>& fieldReaders() {
    static const std::map<std::string, FieldReader> readers = {
        {"contentWeight", [](StyleSettings& s, const JsonValue& v,
                             const std::string& k) { s.contentWeight = readDouble(v, k); }},
        {"styleWeight", [](StyleSettings& s, const JsonValue& v,
                           const std::string& k) { s.styleWeight = readDouble(v, k); }},
        {"tvWeight", [](StyleSettings& s, const JsonValue& v,
                        const std::string& k) { s.tvWeight = readDouble(v, k); }},
        {"contentLayers", [](StyleSettings& s, const JsonValue& v,
                             const std::string& k) { s.contentLayers = readLayers(v, k); }},
        {"styleLayers", [](StyleSettings& s, const JsonValue& v,
                           const std::string& k) { s.styleLayers = readLayers(v, k); }},
        {"styleBlend", [](StyleSettings& s, const JsonValue& v,
                          const std::string& k) { s.styleBlend = readDoubles(v, k); }},
        {"styleScale", [](StyleSettings& s, const JsonValue& v,
                          const std::string& k) { s.styleScale = readDouble(v, k); }},
        {"outputSize", [](StyleSettings& s, const JsonValue& v,
                          const std::string& k) { s.outputSize = readWhole<int>(v, k); }},
        {"optimizer",
         [](StyleSettings& s, const JsonValue& v, const std::string& k) {
             s.optimizer = readChoice<OptimizerKind>(
                 v, k, {{"lbfgs", OptimizerKind::Lbfgs}, {"adam", OptimizerKind::Adam}});
         }},
        {"learningRate", [](StyleSettings& s, const JsonValue& v,
                            const std::string& k) { s.learningRate = readDouble(v, k); }},
        {"init",
         [](StyleSettings& s, const JsonValue& v, const std::string& k) {
             s.init = readChoice<InitKind>(v, k,
                                           {{"content", InitKind::Content},
                                            {"noise", InitKind::Noise},
                                            {"image", InitKind::Image}});
         }},
        {"seed", [](StyleSettings& s, const JsonValue& v,
                    const std::string& k) { s.seed = readWhole<uint64_t>(v, k); }},
        {"preserveColors", [](StyleSettings& s, const JsonValue& v,
                              const std::string& k) { s.preserveColors = readBool(v, k); }},
        {"pooling",
         [](StyleSettings& s, const JsonValue& v, const std::string& k) {
             s.pooling = readChoice<PoolingMode>(
                 v, k, {{"max", PoolingMode::Max}, {"avg", PoolingMode::Average}});
         }},
        {"coarseToFine", [](StyleSettings& s, const JsonValue& v,
                            const std::string& k) { s.coarseToFine = readBool(v, k); }},
    };
    return readers;
}

}  // namespace

StyleSettings settingsFromJson(std::string_view json) {
    JsonValue document;
    try {
        document = parseJson(json, JsonGrammar::Complete);
    } catch (const JsonError& error) {
        throw Error(std::string("The settings are not valid JSON: ") + error.what());
    }
    if (document.kind != JsonValue::Kind::Object) {
        throw Error("The settings must be a JSON object ({...})");
    }
    StyleSettings settings;
    for (const auto& [key, value] : document.members) {
        const auto reader = fieldReaders().find(key);
        if (reader == fieldReaders().end()) {
            throw Error("Unknown setting \"" + key + "\"");
        }
        reader->second(settings, value, key);
    }
    validate(settings);
    return settings;
}

}  // namespace impasto

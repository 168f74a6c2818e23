#include "core/common/StrictJson.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

namespace impasto {

namespace {

using nlohmann::json;

// Where the parser is: one entry per object it is inside, with the keys seen so far.
struct OpenObject {
    std::set<std::string> keys;
    std::string currentKey;
};

std::string keyPath(const std::vector<OpenObject>& objects) {
    std::string path;
    for (const OpenObject& object : objects) {
        if (!object.currentKey.empty()) {
            path += (path.empty() ? "" : ".") + object.currentKey;
        }
    }
    return path;
}

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string withoutPrefix(const std::string& message) {
    const auto end = message.find("] ");
    return message.starts_with("[json.exception.") && end != std::string::npos
               ? message.substr(end + 2)
               : message;
}

// Why a value the grammar allows is refused under `limits`, or nullptr.
const char* refusal(const json& value, const JsonLimits& limits) {
    if (!limits.integersOnly) {
        return nullptr;
    }
    if (value.is_number_float()) {
        // nlohmann reads an integer too large for 64 bits as a float too.
        const double number = value.get<double>();
        return number == std::trunc(number) && std::abs(number) >= 0x1p63
                   ? "number out of range"
                   : "only integers are supported";
    }
    if (value.is_number_unsigned() &&
        value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return "number out of range";
    }
    if (value.is_boolean() || value.is_null()) {
        return "expected an object, array, string or integer";
    }
    return nullptr;
}

}  // namespace

json parseStrictJson(std::string_view text, const JsonLimits& limits) {
    std::vector<OpenObject> objects;
    const auto fail = [&](const std::string& problem) {
        throw JsonError(problem, keyPath(objects), {});
    };
    size_t values = 0;
    const auto count = [&](const json& parsed) {
        if (limits.maxValues > 0 && ++values > limits.maxValues) {
            fail("holds more than " + std::to_string(limits.maxValues) + " values");
        }
        if (limits.maxStringBytes > 0 && parsed.is_string() &&
            parsed.get_ref<const std::string&>().size() > limits.maxStringBytes) {
            fail("holds a string longer than " + std::to_string(limits.maxStringBytes) + " bytes");
        }
    };
    const json::parser_callback_t check = [&](int depth, json::parse_event_t event, json& parsed) {
        if (event != json::parse_event_t::object_end && event != json::parse_event_t::array_end) {
            count(parsed);
        }
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                if (depth > limits.maxDepth) {
                    fail("nested too deeply");
                }
                if (event == json::parse_event_t::object_start) {
                    objects.emplace_back();
                }
                break;
            case json::parse_event_t::object_end:
                objects.pop_back();
                break;
            case json::parse_event_t::key: {
                const std::string& key = parsed.get_ref<const std::string&>();
                if (!objects.back().keys.insert(key).second) {
                    fail("duplicate key \"" + key + "\"");
                }
                objects.back().currentKey = key;
                break;
            }
            case json::parse_event_t::value:
                if (depth > limits.maxDepth) {
                    fail("nested too deeply");
                }
                if (const char* problem = refusal(parsed, limits)) {
                    const std::string key = keyPath(objects);
                    fail(problem + (key.empty() ? "" : " in \"" + key + "\""));
                }
                break;
            case json::parse_event_t::array_end:
                break;
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), check);
    } catch (const json::exception& error) {
        std::string message = withoutPrefix(error.what());
        std::string overflowing;
        // out_of_range.406: "number overflow parsing '1e999'".
        const auto open = message.find('\'');
        const auto close = message.rfind('\'');
        if (error.id == 406 && open != std::string::npos && close > open) {
            overflowing = message.substr(open + 1, close - open - 1);
        }
        throw JsonError(message, keyPath(objects), overflowing);
    }
}

}  // namespace impasto

#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace impasto {

// What parseStrictJson refuses beyond the errors of RFC 8259's grammar (nlohmann's parser
// already refuses trailing commas, comments, invalid UTF-8 and text after the value).
struct JsonLimits {
    // Containers nested deeper than this refuse the document: it bounds the work and memory
    // that hostile input like "[[[[..." costs.
    int maxDepth = 64;
    // Only objects, arrays, strings and integers that fit int64_t, as in a safetensors header:
    // numbers with fractions or exponents, larger integers and true/false/null are errors.
    bool integersOnly = false;
    // Values (scalars and containers) in the whole document and bytes in one string or key;
    // 0 is unlimited. A parsed value costs several times its text, so these bound the memory a
    // large hostile document (a safetensors header may hold 100 MB) costs.
    size_t maxValues = 0;
    size_t maxStringBytes = 0;
};

// Thrown by parseStrictJson; the message says what is wrong, on one line.
class JsonError : public std::runtime_error {
public:
    JsonError(const std::string& message, std::string key, std::string overflowingNumber)
        : std::runtime_error(message),
          key_(std::move(key)),
          overflowingNumber_(std::move(overflowingNumber)) {}

    // The object keys leading to where the parser stopped, joined by '.' ("styleLayers.weight"),
    // or empty outside any object.
    const std::string& key() const { return key_; }
    // The literal of a number beyond the range of double ("1e999") when that is what failed.
    const std::string& overflowingNumber() const { return overflowingNumber_; }

private:
    std::string key_;
    std::string overflowingNumber_;
};

// Parses untrusted JSON text; throws JsonError. A key that appears twice in one object is
// refused (nlohmann would silently keep the last), and so is anything `limits` refuses.
nlohmann::json parseStrictJson(std::string_view text, const JsonLimits& limits = {});

}  // namespace impasto

#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace impasto {

// What parseJson accepts. Either way trailing commas, duplicate keys and text after the value
// are rejected, because the input is untrusted and leniency only hides damage.
enum class JsonGrammar {
    // What a safetensors header uses: objects, arrays, strings and integers; numbers with
    // fractions and true/false/null are errors.
    HeaderSubset,
    // All of JSON (RFC 8259), for settings files. Every number is a Number holding its literal,
    // so that the reader converts it to the type it needs (a 64-bit unsigned seed, a double)
    // without a detour through a lossy type.
    Complete,
};

struct JsonValue {
    enum class Kind { Object, Array, String, Integer, Number, Boolean, Null };

    // Defined in Json.cpp, where JsonValue is complete: clang with libstdc++ refuses to
    // instantiate the members' destructors inside the class, since `members` holds JsonValues.
    JsonValue();
    JsonValue(const JsonValue&);
    JsonValue(JsonValue&&) noexcept;
    JsonValue& operator=(const JsonValue&);
    JsonValue& operator=(JsonValue&&) noexcept;
    ~JsonValue();

    Kind kind = Kind::Integer;
    std::vector<std::pair<std::string, JsonValue>> members;  // Object, in file order
    std::vector<JsonValue> elements;                         // Array
    std::string text;                                        // String (UTF-8), Number (literal)
    int64_t integer = 0;                                     // Integer
    bool boolean = false;                                    // Boolean
};

// Thrown by parseJson; the message says what is wrong and at which byte.
class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

JsonValue parseJson(std::string_view text, JsonGrammar grammar = JsonGrammar::HeaderSubset);

}  // namespace impasto

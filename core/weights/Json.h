#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace impasto {

// The JSON subset a safetensors header uses: objects, arrays, strings and integers. Anything
// else (numbers with fractions, true/false/null, trailing commas, duplicate keys) is rejected,
// because the header is untrusted input and leniency only hides damage.
struct JsonValue {
    enum class Kind { Object, Array, String, Integer };

    Kind kind = Kind::Integer;
    std::vector<std::pair<std::string, JsonValue>> members;  // Object, in file order
    std::vector<JsonValue> elements;                         // Array
    std::string text;                                        // String, UTF-8
    int64_t integer = 0;                                     // Integer
};

// Thrown by parseJson; the message says what is wrong and at which byte.
class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

JsonValue parseJson(std::string_view text);

}  // namespace impasto

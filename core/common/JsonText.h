#pragma once

#include <string>

namespace impasto {

// `text` as a JSON string literal, quotes and escapes included.
std::string jsonQuoted(const std::string& text);
// `value` in the shortest form that reads back exactly; null when it is not finite (JSON has
// no NaN or infinity).
std::string jsonNumber(double value);

}  // namespace impasto

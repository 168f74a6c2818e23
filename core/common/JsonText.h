#pragma once

#include <string>

namespace impasto {

// `text` as a JSON string literal, quotes and escapes included.
std::string jsonQuoted(const std::string& text);

}  // namespace impasto

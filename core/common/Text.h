#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace impasto {

// `items` with `separator` between them: join({"a", "b"}, ", ") is "a, b".
std::string join(const std::vector<std::string>& items, const std::string& separator);

// The finite number the whole of `text` spells ("0.5", "-3", "+2", "1e-3"), or empty. Read the
// same in every locale: Qt applications run with the locale of the environment, where strtod and
// streams may expect a decimal comma.
std::optional<double> parseNumber(std::string_view text);

}  // namespace impasto

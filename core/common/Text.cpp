#include "core/common/Text.h"

#include <charconv>
#include <cmath>

namespace impasto {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string joined;
    for (const std::string& item : items) {
        if (&item != &items.front()) {
            joined += separator;
        }
        joined += item;
    }
    return joined;
}

std::optional<double> parseNumber(std::string_view text) {
    // from_chars takes no plus sign; people do write one.
    if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') {
        text.remove_prefix(1);
    }
    double value = 0.0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || stop != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

}  // namespace impasto

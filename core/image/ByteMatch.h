#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace impasto {

// Whether the bytes at `offset` spell `text` (a signature, a FourCC, a prefix such as
// "Exif\0\0"); false where they would run past the end of `bytes`.
inline bool matchesAt(std::span<const uint8_t> bytes, size_t offset, std::string_view text) {
    return offset <= bytes.size() && text.size() <= bytes.size() - offset &&
           std::equal(text.begin(), text.end(), bytes.begin() + offset,
                      [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; });
}

}  // namespace impasto

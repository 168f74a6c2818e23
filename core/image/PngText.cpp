#include "core/image/PngText.h"

#include <algorithm>

namespace impasto {

namespace {

constexpr size_t kMaxKeywordLength = 79;

// Decodes UTF-8 into code points; empty on malformed input (overlong forms, surrogates,
// values past U+10FFFF, truncated sequences).
std::optional<std::vector<char32_t>> decodeUtf8(std::string_view text) {
    std::vector<char32_t> codePoints;
    for (size_t i = 0; i < text.size();) {
        const auto lead = static_cast<uint8_t>(text[i]);
        const int extra = lead < 0x80                    ? 0
                          : lead >= 0xC2 && lead <= 0xDF ? 1
                          : (lead & 0xF0) == 0xE0        ? 2
                          : lead >= 0xF0 && lead <= 0xF4 ? 3
                                                         : -1;
        if (extra < 0 || text.size() - i <= size_t(extra)) {
            return std::nullopt;
        }
        char32_t value = extra == 0 ? lead : lead & (0x3F >> extra);
        for (int k = 1; k <= extra; ++k) {
            const auto next = static_cast<uint8_t>(text[i + k]);
            if ((next & 0xC0) != 0x80) {
                return std::nullopt;
            }
            value = (value << 6) | (next & 0x3F);
        }
        const char32_t minimum = extra == 2 ? 0x800 : extra == 3 ? 0x10000 : 0;
        if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
            return std::nullopt;
        }
        codePoints.push_back(value);
        i += size_t(extra) + 1;
    }
    return codePoints;
}

std::string latin1ToUtf8(std::span<const uint8_t> latin1) {
    std::string utf8;
    for (const uint8_t byte : latin1) {
        if (byte < 0x80) {
            utf8 += char(byte);
        } else {
            utf8 += char(0xC0 | (byte >> 6));
            utf8 += char(0x80 | (byte & 0x3F));
        }
    }
    return utf8;
}

bool isKeywordCharacter(char32_t c) {
    return (c >= 0x20 && c <= 0x7E) || (c >= 0xA1 && c <= 0xFF);
}

// A valid keyword as Latin-1 bytes, or empty.
std::optional<std::vector<uint8_t>> keywordToLatin1(const std::string& keyword) {
    const std::optional<std::vector<char32_t>> codePoints = decodeUtf8(keyword);
    if (!codePoints || codePoints->empty() || codePoints->size() > kMaxKeywordLength ||
        !std::all_of(codePoints->begin(), codePoints->end(), isKeywordCharacter) ||
        codePoints->front() == ' ' || codePoints->back() == ' ' ||
        std::adjacent_find(codePoints->begin(), codePoints->end(), [](char32_t a, char32_t b) {
            return a == ' ' && b == ' ';
        }) != codePoints->end()) {
        return std::nullopt;
    }
    return std::vector<uint8_t>(codePoints->begin(), codePoints->end());
}

// Splits off the bytes up to the next NUL; empty when there is none.
std::optional<std::span<const uint8_t>> takeUntilNul(std::span<const uint8_t>& bytes) {
    const auto nul = std::find(bytes.begin(), bytes.end(), uint8_t{0});
    if (nul == bytes.end()) {
        return std::nullopt;
    }
    const auto length = size_t(nul - bytes.begin());
    const std::span<const uint8_t> field = bytes.first(length);
    bytes = bytes.subspan(length + 1);
    return field;
}

std::string_view asText(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::optional<std::vector<uint8_t>> makeITxtPayload(const std::string& keyword,
                                                    const std::string& text) {
    std::optional<std::vector<uint8_t>> payload = keywordToLatin1(keyword);
    const std::optional<std::vector<char32_t>> textCodePoints = decodeUtf8(text);
    if (!payload || !textCodePoints ||
        std::find(textCodePoints->begin(), textCodePoints->end(), U'\0') != textCodePoints->end()) {
        return std::nullopt;
    }
    // NUL after the keyword, compression flag and method 0, empty language tag and translated
    // keyword (each NUL-terminated), then the text, which runs to the end of the chunk.
    payload->insert(payload->end(), {0, 0, 0, 0, 0});
    payload->insert(payload->end(), text.begin(), text.end());
    return payload;
}

std::optional<std::vector<uint8_t>> makeTExtPayload(const std::string& keyword,
                                                    const std::string& text) {
    std::optional<std::vector<uint8_t>> payload = keywordToLatin1(keyword);
    if (!payload || !std::all_of(text.begin(), text.end(), [](char c) {
            return c != '\0' && static_cast<unsigned char>(c) < 0x80;
        })) {
        return std::nullopt;
    }
    payload->push_back(0);
    payload->insert(payload->end(), text.begin(), text.end());
    return payload;
}

std::optional<std::pair<std::string, std::string>> parseTextChunk(const PngChunk& chunk) {
    std::span<const uint8_t> rest = chunk.data;
    const std::optional<std::span<const uint8_t>> keyword = takeUntilNul(rest);
    if (!keyword || keyword->empty() || keyword->size() > kMaxKeywordLength) {
        return std::nullopt;
    }
    if (chunk.type == "tEXt") {
        return std::pair(latin1ToUtf8(*keyword), latin1ToUtf8(rest));
    }
    if (chunk.type != "iTXt" || rest.size() < 2 || rest[0] != 0) {
        // Compressed iTXt would need zlib; Impasto writes its own text uncompressed.
        return std::nullopt;
    }
    rest = rest.subspan(2);
    if (!takeUntilNul(rest) || !takeUntilNul(rest) || !decodeUtf8(asText(rest))) {
        return std::nullopt;
    }
    return std::pair(latin1ToUtf8(*keyword), std::string(asText(rest)));
}

}  // namespace impasto

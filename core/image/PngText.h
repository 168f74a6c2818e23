#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/image/PngChunks.h"

namespace impasto {

// The payload of an uncompressed iTXt chunk: keyword (Latin-1), no language tag, UTF-8 text.
// Empty when the keyword is not a valid PNG keyword (1 to 79 printable Latin-1 characters, no
// leading, trailing or consecutive spaces) or the text is not valid UTF-8 without NUL; both
// are given as UTF-8.
std::optional<std::vector<uint8_t>> makeITxtPayload(const std::string& keyword,
                                                    const std::string& text);

// The payload of a tEXt chunk: keyword and text, both ASCII (a subset of tEXt's Latin-1). Empty
// when the keyword is not valid (as above) or the text is not ASCII without NUL.
std::optional<std::vector<uint8_t>> makeTExtPayload(const std::string& keyword,
                                                    const std::string& text);

// Keyword and text (both as UTF-8) of a tEXt or uncompressed iTXt chunk. Empty for other
// chunks, for compressed iTXt and for malformed payloads.
std::optional<std::pair<std::string, std::string>> parseTextChunk(const PngChunk& chunk);

}  // namespace impasto

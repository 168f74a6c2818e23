#pragma once

#include <cstdint>
#include <span>

namespace impasto {

// CRC-32 as used by PNG chunks and zlib (polynomial 0xEDB88320, reflected). `crc32Update`
// continues a running checksum so that a chunk's type and data can be hashed without copying;
// start from 0.
uint32_t crc32Update(uint32_t crc, std::span<const uint8_t> bytes);
inline uint32_t crc32(std::span<const uint8_t> bytes) {
    return crc32Update(0, bytes);
}

}  // namespace impasto

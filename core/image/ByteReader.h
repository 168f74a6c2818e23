#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace impasto {

// Bounds-checked reads of big- or little-endian integers from untrusted file bytes. A read past
// the end yields 0 and marks the reader as failed, so a parser can read a whole structure and
// check ok() once instead of guarding every field.
class ByteReader {
public:
    ByteReader(std::span<const uint8_t> bytes, bool bigEndian)
        : bytes_(bytes), bigEndian_(bigEndian) {}

    bool ok() const { return ok_; }
    // True when `count` bytes are available at `offset` (overflow-safe).
    bool has(uint64_t offset, uint64_t count) const {
        return offset <= bytes_.size() && count <= bytes_.size() - offset;
    }

    uint8_t u8(uint64_t offset) { return static_cast<uint8_t>(read(offset, 1)); }
    uint16_t u16(uint64_t offset) { return static_cast<uint16_t>(read(offset, 2)); }
    uint32_t u24(uint64_t offset) { return static_cast<uint32_t>(read(offset, 3)); }
    uint32_t u32(uint64_t offset) { return static_cast<uint32_t>(read(offset, 4)); }
    uint64_t u64(uint64_t offset) { return read(offset, 8); }

private:
    uint64_t read(uint64_t offset, unsigned count) {
        if (!has(offset, count)) {
            ok_ = false;
            return 0;
        }
        uint64_t value = 0;
        for (unsigned i = 0; i < count; ++i) {
            const unsigned shift = bigEndian_ ? 8 * (count - 1 - i) : 8 * i;
            value |= uint64_t{bytes_[offset + i]} << shift;
        }
        return value;
    }

    std::span<const uint8_t> bytes_;
    bool bigEndian_;
    bool ok_ = true;
};

}  // namespace impasto

#include "core/image/TiffTags.h"

#include <algorithm>

#include "core/image/ByteReader.h"

namespace impasto {

namespace {

constexpr uint16_t kClassicMagic = 42;
constexpr uint16_t kBigTiffMagic = 43;

// Size in bytes of one value of an integer type; 0 for the types this reader does not handle.
unsigned integerTypeSize(uint16_t type) {
    switch (type) {
        case 1:  // BYTE
            return 1;
        case 3:  // SHORT
            return 2;
        case 4:  // LONG
            return 4;
        case 16:  // LONG8 (BigTIFF)
            return 8;
        default:
            return 0;
    }
}

std::optional<bool> byteOrderIsBigEndian(std::span<const uint8_t> bytes) {
    if (bytes.size() < 4) {
        return std::nullopt;
    }
    if (bytes[0] == 'I' && bytes[1] == 'I') {
        return false;
    }
    if (bytes[0] == 'M' && bytes[1] == 'M') {
        return true;
    }
    return std::nullopt;
}

}  // namespace

bool hasTiffSignature(std::span<const uint8_t> bytes) {
    const std::optional<bool> bigEndian = byteOrderIsBigEndian(bytes);
    if (!bigEndian) {
        return false;
    }
    ByteReader reader(bytes, *bigEndian);
    const uint16_t magic = reader.u16(2);
    return magic == kClassicMagic || magic == kBigTiffMagic;
}

namespace {

// Where the values of a tag of the first image file directory lie.
struct TiffEntry {
    uint16_t type = 0;
    uint64_t count = 0;
    uint64_t valueOffset = 0;
};

constexpr uint16_t kAsciiType = 2;
constexpr uint16_t kUndefinedType = 7;

// Size in bytes of one value of `type`, for the types whose values are looked at.
unsigned valueTypeSize(uint16_t type) {
    return type == kAsciiType || type == kUndefinedType ? 1 : integerTypeSize(type);
}

std::optional<TiffEntry> findTiffEntry(ByteReader& reader, uint16_t tag) {
    const bool big = reader.u16(2) == kBigTiffMagic;
    // Classic TIFF: 2-byte entry count, 12-byte entries with a 4-byte value field.
    // BigTIFF: 8-byte entry count, 20-byte entries with an 8-byte value field.
    const unsigned fieldSize = big ? 8 : 4;
    const uint64_t ifd = big ? reader.u64(8) : reader.u32(4);
    const uint64_t count = big ? reader.u64(ifd) : reader.u16(ifd);
    const uint64_t firstEntry = ifd + (big ? 8 : 2);
    const uint64_t entrySize = big ? 20 : 12;
    if (!reader.ok()) {
        return std::nullopt;
    }
    // Entries lie within the bytes, so a forged count cannot make this loop run long.
    for (uint64_t i = 0; i < count && reader.has(firstEntry + i * entrySize, entrySize); ++i) {
        const uint64_t entry = firstEntry + i * entrySize;
        if (reader.u16(entry) != tag) {
            continue;
        }
        TiffEntry found;
        found.type = reader.u16(entry + 2);
        found.count = big ? reader.u64(entry + 4) : reader.u32(entry + 4);
        const unsigned typeSize = valueTypeSize(found.type);
        if (typeSize == 0 || found.count == 0) {
            return std::nullopt;
        }
        const uint64_t field = entry + (big ? 12 : 8);
        // Values that do not fit the field are stored elsewhere, at the offset the field holds.
        found.valueOffset = found.count <= fieldSize / typeSize
                                ? field
                                : (big ? reader.u64(field) : reader.u32(field));
        return reader.ok() ? std::optional<TiffEntry>(found) : std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::optional<uint64_t> readTiffTag(std::span<const uint8_t> tiff, uint16_t tag) {
    if (!hasTiffSignature(tiff)) {
        return std::nullopt;
    }
    ByteReader reader(tiff, tiff[0] == 'M');
    const std::optional<TiffEntry> entry = findTiffEntry(reader, tag);
    if (!entry || integerTypeSize(entry->type) == 0) {
        return std::nullopt;
    }
    uint64_t value = 0;
    switch (integerTypeSize(entry->type)) {
        case 1:
            value = reader.u8(entry->valueOffset);
            break;
        case 2:
            value = reader.u16(entry->valueOffset);
            break;
        case 4:
            value = reader.u32(entry->valueOffset);
            break;
        default:
            value = reader.u64(entry->valueOffset);
            break;
    }
    return reader.ok() ? std::optional<uint64_t>(value) : std::nullopt;
}

std::optional<std::string> readTiffText(std::span<const uint8_t> tiff, uint16_t tag) {
    if (!hasTiffSignature(tiff)) {
        return std::nullopt;
    }
    ByteReader reader(tiff, tiff[0] == 'M');
    const std::optional<TiffEntry> entry = findTiffEntry(reader, tag);
    if (!entry || entry->type != kAsciiType || !reader.has(entry->valueOffset, entry->count)) {
        return std::nullopt;
    }
    const auto* start = reinterpret_cast<const char*>(tiff.data() + entry->valueOffset);
    std::string text(start, static_cast<size_t>(entry->count));
    // ASCII values end with NUL, which is not part of the text.
    text.erase(std::find(text.begin(), text.end(), '\0'), text.end());
    return text;
}

std::optional<std::span<const uint8_t>> readTiffBytes(std::span<const uint8_t> tiff, uint16_t tag) {
    if (!hasTiffSignature(tiff)) {
        return std::nullopt;
    }
    ByteReader reader(tiff, tiff[0] == 'M');
    const std::optional<TiffEntry> entry = findTiffEntry(reader, tag);
    if (!entry || (entry->type != 1 && entry->type != kUndefinedType)) {
        return std::nullopt;
    }
    if (!reader.has(entry->valueOffset, entry->count)) {
        return std::span<const uint8_t>();
    }
    return tiff.subspan(static_cast<size_t>(entry->valueOffset), static_cast<size_t>(entry->count));
}

}  // namespace impasto

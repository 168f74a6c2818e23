#include "core/weights/SafetensorsReader.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "core/common/Error.h"
#include "core/common/StrictJson.h"
#include "core/weights/MappedFile.h"
#include "core/weights/Shape.h"

namespace impasto {

namespace {

using nlohmann::json;

static_assert(std::endian::native == std::endian::little,
              "tensor data is little-endian and copied as is");

// Real headers are kilobytes; a larger one is damage or an attempt to exhaust memory.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// About 14 values per tensor (so some 14,000 tensors; VGG-19 has 38), a megabyte per name or
// metadata text. The values also bound the time: nlohmann's callback parser scans an object's
// members each time one of them ends, quadratic in the number of tensors.
constexpr size_t kMaxHeaderValues = 200'000;
constexpr size_t kMaxHeaderStringBytes = 1 << 20;

// The JSON header's length: the first 8 bytes, little-endian. `bytes` holds at least 8.
uint64_t headerLength(std::span<const uint8_t> bytes) {
    uint64_t length = 0;
    for (int i = 0; i < 8; ++i) {
        length |= static_cast<uint64_t>(bytes[i]) << (8 * i);
    }
    return length;
}

// At least "{}" and within kMaxHeaderBytes.
bool isPlausibleHeaderLength(uint64_t length) {
    return length >= 2 && length <= kMaxHeaderBytes;
}

enum class Dtype { F32, F16, BF16, F64 };

struct TensorEntry {
    std::string name;
    Dtype dtype = Dtype::F32;
    std::string dtypeName;
    std::vector<int64_t> shape;
    uint64_t begin = 0;
    uint64_t end = 0;
};

uint64_t dtypeSize(Dtype dtype) {
    switch (dtype) {
        case Dtype::F16:
        case Dtype::BF16:
            return 2;
        case Dtype::F32:
            return 4;
        case Dtype::F64:
            return 8;
    }
    return 0;
}

float halfToFloat(uint16_t half) {
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000) << 16;
    const uint32_t exponent = (half >> 10) & 0x1F;
    const uint32_t mantissa = half & 0x3FF;
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24, exact in float32.
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        return sign != 0 ? -magnitude : magnitude;
    }
    if (exponent == 0x1F) {
        return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
    }
    // Rebias the exponent from 15 to 127.
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t loadUint16(const uint8_t* bytes) {
    return static_cast<uint16_t>(bytes[0] | (bytes[1] << 8));
}

class HeaderReader {
public:
    HeaderReader(std::string fileName, uint64_t dataSize)
        : fileName_(std::move(fileName)), dataSize_(dataSize) {}

    [[noreturn]] void fail(const std::string& problem) const {
        throw Error(fileName_ + ": " + problem);
    }

    // Checks the entry's form and byte range; the dtype and byte count only for a tensor that
    // will be decoded (`decoded`), since a file may hold tensors of other types that are never
    // read.
    TensorEntry readTensor(const std::string& name, const json& value, bool decoded) const {
        if (!value.is_object()) {
            fail("header entry " + name + " is not an object");
        }
        TensorEntry entry;
        entry.name = name;
        const auto dtype = value.find("dtype");
        const auto shape = value.find("shape");
        const auto offsets = value.find("data_offsets");
        if (dtype == value.end() || shape == value.end() || offsets == value.end()) {
            fail("tensor " + name + " lacks one of dtype, shape and data_offsets");
        }
        if (!dtype->is_string()) {
            fail("tensor " + name + " has a dtype that is not a string");
        }
        entry.dtypeName = dtype->get<std::string>();
        entry.shape = readIntegers(*shape, "tensor " + name + " has a shape");
        const std::vector<int64_t> range =
            readIntegers(*offsets, "tensor " + name + " has data_offsets");
        if (range.size() != 2) {
            fail("tensor " + name + " has data_offsets that are not a [begin, end] pair");
        }
        entry.begin = static_cast<uint64_t>(range[0]);
        entry.end = static_cast<uint64_t>(range[1]);
        validateRange(entry);
        if (decoded) {
            entry.dtype = parseDtype(name, entry.dtypeName);
            validateByteCount(entry);
        }
        return entry;
    }

    std::map<std::string, std::string> readMetadata(const json& value) const {
        if (!value.is_object()) {
            fail("__metadata__ is not an object");
        }
        std::map<std::string, std::string> metadata;
        for (const auto& [key, text] : value.items()) {
            if (!text.is_string()) {
                fail("metadata " + key + " is not a string");
            }
            metadata[key] = text.get<std::string>();
        }
        return metadata;
    }

private:
    Dtype parseDtype(const std::string& name, const std::string& text) const {
        if (text == "F32") {
            return Dtype::F32;
        }
        if (text == "F16") {
            return Dtype::F16;
        }
        if (text == "BF16") {
            return Dtype::BF16;
        }
        if (text == "F64") {
            return Dtype::F64;
        }
        for (const char* integer : {"BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64"}) {
            if (text == integer) {
                fail("tensor " + name + " has dtype " + text + "; weights must be floating point");
            }
        }
        fail("tensor " + name + " has unsupported dtype " + text);
    }

    // A JSON array of non-negative integers (shapes and offsets are never negative).
    // The parser let through only integers that fit int64_t.
    std::vector<int64_t> readIntegers(const json& value, const std::string& what) const {
        if (!value.is_array()) {
            fail(what + " that is not an array");
        }
        std::vector<int64_t> integers;
        for (const json& element : value) {
            if (!element.is_number_integer() || element.get<int64_t>() < 0) {
                fail(what + " that is not a list of non-negative integers");
            }
            integers.push_back(element.get<int64_t>());
        }
        return integers;
    }

    void validateRange(const TensorEntry& entry) const {
        const std::string offsets = shapeToString(std::vector<int64_t>{
            static_cast<int64_t>(entry.begin), static_cast<int64_t>(entry.end)});
        if (entry.begin > entry.end) {
            fail("tensor " + entry.name + " has data_offsets " + offsets +
                 " that end before they begin");
        }
        if (entry.end > dataSize_) {
            fail("tensor " + entry.name + " has data_offsets " + offsets +
                 " past the end of the data (" + std::to_string(dataSize_) + " bytes)");
        }
    }

    void validateByteCount(const TensorEntry& entry) const {
        const std::optional<uint64_t> needed =
            checkedByteCount(entry.shape, dtypeSize(entry.dtype));
        const uint64_t actual = entry.end - entry.begin;
        if (!needed) {
            fail("tensor " + entry.name + " has shape " + shapeToString(entry.shape) +
                 ", too large to address");
        }
        if (*needed != actual) {
            fail("tensor " + entry.name + " has " + std::to_string(actual) + " bytes but shape " +
                 shapeToString(entry.shape) + " of " + entry.dtypeName + " needs " +
                 std::to_string(*needed));
        }
    }

    std::string fileName_;
    uint64_t dataSize_;
};

std::vector<float> decode(const TensorEntry& entry, const uint8_t* data) {
    const size_t count = static_cast<size_t>((entry.end - entry.begin) / dtypeSize(entry.dtype));
    std::vector<float> values(count);
    if (count == 0) {
        return values;  // data may be null for an empty data block
    }
    switch (entry.dtype) {
        case Dtype::F32:
            std::memcpy(values.data(), data, count * sizeof(float));
            break;
        case Dtype::F16:
            for (size_t i = 0; i < count; ++i) {
                values[i] = halfToFloat(loadUint16(data + 2 * i));
            }
            break;
        case Dtype::BF16:
            // bfloat16 is the upper half of a float32.
            for (size_t i = 0; i < count; ++i) {
                values[i] =
                    std::bit_cast<float>(static_cast<uint32_t>(loadUint16(data + 2 * i)) << 16);
            }
            break;
        case Dtype::F64:
            for (size_t i = 0; i < count; ++i) {
                double value;
                std::memcpy(&value, data + 8 * i, sizeof value);
                values[i] = static_cast<float>(value);
            }
            break;
    }
    return values;
}

}  // namespace

TensorSet readSafetensors(const std::filesystem::path& file, const TensorFilter& wanted) {
    const MappedFile mapped(file);
    TensorSet set = readSafetensors(mapped.bytes(), file.filename().string(), wanted);
    set.sourceFile = file;
    return set;
}

namespace {

// Where a tensor's bytes lie in the data, for the overlap check.
struct ByteRange {
    uint64_t begin = 0;
    uint64_t end = 0;
    std::string name;
    auto operator<=>(const ByteRange&) const = default;
};

}  // namespace

TensorSet readSafetensors(std::span<const uint8_t> bytes, const std::string& fileName,
                          const TensorFilter& wanted) {
    if (bytes.size() < 8) {
        throw Error(fileName + ": too short to be a safetensors file (" +
                    std::to_string(bytes.size()) + " bytes)");
    }
    const uint64_t headerSize = headerLength(bytes);
    if (headerSize > bytes.size() - 8) {
        throw Error(fileName + ": header length " + std::to_string(headerSize) +
                    " runs past the end of the file (" + std::to_string(bytes.size()) + " bytes)");
    }
    if (!isPlausibleHeaderLength(headerSize)) {
        throw Error(fileName + ": header length " + std::to_string(headerSize) +
                    " is implausible (a header holds 2 bytes to 100 MB)");
    }
    const std::string_view headerText(reinterpret_cast<const char*>(bytes.data() + 8),
                                      static_cast<size_t>(headerSize));
    const std::span<const uint8_t> data = bytes.subspan(8 + static_cast<size_t>(headerSize));

    // Untrusted input: nesting beyond 64 levels, keys given twice, and anything but objects,
    // arrays, strings and integers are refused while parsing; so are more values or longer
    // strings than any network's header holds, which could cost gigabytes of parsed JSON.
    json header;
    try {
        header = parseStrictJson(headerText, {.maxDepth = 64,
                                              .integersOnly = true,
                                              .maxValues = kMaxHeaderValues,
                                              .maxStringBytes = kMaxHeaderStringBytes});
    } catch (const JsonError& error) {
        throw Error(fileName + ": header is not valid JSON (" + error.what() + ")");
    }
    const HeaderReader reader(fileName, data.size());
    if (!header.is_object()) {
        reader.fail("header is not a JSON object");
    }

    TensorSet set;
    std::vector<TensorEntry> entries;
    std::vector<ByteRange> ranges;
    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            set.metadata = reader.readMetadata(value);
            continue;
        }
        const bool decoded = !wanted || wanted(name);
        TensorEntry entry = reader.readTensor(name, value, decoded);
        ranges.push_back({entry.begin, entry.end, name});
        if (decoded) {
            entries.push_back(std::move(entry));
        }
    }
    // Tensors whose bytes overlap would share (or, written in place, corrupt) each other's
    // values: the format lays them end to end.
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i) {
        const ByteRange& previous = ranges[i - 1];
        if (ranges[i].begin < previous.end && ranges[i].begin < ranges[i].end) {
            reader.fail("tensors " + previous.name + " and " + ranges[i].name +
                        " have overlapping data_offsets");
        }
    }
    // Decoding starts only once the whole header has proved valid.
    for (const TensorEntry& entry : entries) {
        set.tensors[entry.name] =
            WeightTensor{entry.shape, decode(entry, data.data() + entry.begin)};
    }
    return set;
}

bool looksLikeSafetensors(std::span<const uint8_t> start) {
    return start.size() >= 9 && isPlausibleHeaderLength(headerLength(start)) && start[8] == '{';
}

}  // namespace impasto

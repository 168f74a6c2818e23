#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>

namespace impasto {

// Protocol Buffers wire format, enough to walk a message without its schema: a .caffemodel is
// a serialized NetParameter and a protobuf library (with generated code) is not worth its
// weight for reading a handful of fields.

enum class WireType : uint8_t { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

// Thrown on malformed input; the message says what is wrong and at which byte of the file.
class WireFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct WireField {
    uint32_t number = 0;
    WireType type = WireType::Varint;
    uint64_t value = 0;                // Varint, Fixed64 and Fixed32 fields (raw bits)
    std::span<const uint8_t> payload;  // LengthDelimited fields
    size_t payloadOffset = 0;          // of payload in the file, for nested readers
};

// Reads the fields of one message in order. Every length is checked against the bytes left in
// the message, so a damaged file cannot make it read outside its span.
class WireReader {
public:
    // `offset` is where `message` starts in the file; it only makes error messages precise.
    explicit WireReader(std::span<const uint8_t> message, size_t offset = 0);

    // Reads the next field into `field`; false at the end of the message.
    bool next(WireField& field);

    // Reads one varint of a packed repeated field; false at the end of the message.
    bool nextPackedVarint(uint64_t& value);

private:
    [[noreturn]] void fail(const char* problem) const;
    uint64_t readVarint();

    std::span<const uint8_t> bytes_;
    size_t offset_;
    size_t position_ = 0;
};

}  // namespace impasto

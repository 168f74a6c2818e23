#include "core/weights/ProtobufWire.h"

#include <string>

namespace impasto {

namespace {

// A varint holds at most 64 bits, so 10 bytes; longer ones only occur in corrupt data.
constexpr int kMaxVarintBytes = 10;
constexpr uint64_t kMaxFieldNumber = (uint64_t{1} << 29) - 1;

}  // namespace

WireReader::WireReader(std::span<const uint8_t> message, size_t offset)
    : bytes_(message), offset_(offset) {}

void WireReader::fail(const char* problem) const {
    throw WireFormatError(std::string(problem) + " at byte " + std::to_string(offset_ + position_));
}

uint64_t WireReader::readVarint() {
    uint64_t value = 0;
    for (int i = 0;; ++i) {
        if (position_ >= bytes_.size()) {
            fail("truncated varint");
        }
        const uint8_t byte = bytes_[position_++];
        // The tenth byte may only contribute the 64th bit.
        if (i == kMaxVarintBytes - 1 && byte > 1) {
            fail("varint longer than 64 bits");
        }
        value |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
        if ((byte & 0x80) == 0) {
            return value;
        }
    }
}

bool WireReader::next(WireField& field) {
    if (position_ >= bytes_.size()) {
        return false;
    }
    const size_t tagPosition = position_;
    const uint64_t tag = readVarint();
    const uint64_t number = tag >> 3;
    if (number == 0 || number > kMaxFieldNumber) {
        position_ = tagPosition;
        fail("invalid field number");
    }
    field.number = static_cast<uint32_t>(number);
    field.value = 0;
    field.payload = {};
    field.payloadOffset = 0;
    const uint64_t type = tag & 7;
    switch (type) {
        case 0:
            field.type = WireType::Varint;
            field.value = readVarint();
            return true;
        case 1:
        case 5: {
            const size_t width = type == 1 ? 8 : 4;
            if (bytes_.size() - position_ < width) {
                fail("truncated fixed-width field");
            }
            // Little-endian assembly works on any host byte order.
            for (size_t i = 0; i < width; ++i) {
                field.value |= static_cast<uint64_t>(bytes_[position_ + i]) << (8 * i);
            }
            field.type = type == 1 ? WireType::Fixed64 : WireType::Fixed32;
            position_ += width;
            return true;
        }
        case 2: {
            const size_t lengthPosition = position_;
            const uint64_t length = readVarint();
            if (length > bytes_.size() - position_) {
                position_ = lengthPosition;
                fail("field length runs past the end of its message");
            }
            field.type = WireType::LengthDelimited;
            field.payload = bytes_.subspan(position_, static_cast<size_t>(length));
            field.payloadOffset = offset_ + position_;
            position_ += static_cast<size_t>(length);
            return true;
        }
        case 3:
        case 4:
            position_ = tagPosition;
            fail("group fields are not supported");
        default:
            position_ = tagPosition;
            fail("invalid wire type");
    }
}

bool WireReader::nextPackedVarint(uint64_t& value) {
    if (position_ >= bytes_.size()) {
        return false;
    }
    value = readVarint();
    return true;
}

}  // namespace impasto

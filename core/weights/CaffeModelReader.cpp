#include "core/weights/CaffeModelReader.h"

#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/common/Error.h"
#include "core/weights/MappedFile.h"
#include "core/weights/ProtobufWire.h"
#include "core/weights/Shape.h"

namespace impasto {

namespace {

static_assert(std::endian::native == std::endian::little,
              "packed floats are little-endian and copied as is");

// Field numbers from Caffe's caffe.proto.
namespace net {
constexpr uint32_t kName = 1;
constexpr uint32_t kLayers = 2;   // repeated V1LayerParameter (legacy)
constexpr uint32_t kLayer = 100;  // repeated LayerParameter
}  // namespace net
namespace layer {
constexpr uint32_t kName = 1;
constexpr uint32_t kBlobs = 7;
}  // namespace layer
namespace v1layer {
constexpr uint32_t kName = 4;
constexpr uint32_t kBlobs = 6;
}  // namespace v1layer
namespace blob {
constexpr uint32_t kNum = 1;
constexpr uint32_t kWidth = 4;  // kNum..kWidth: num, channels, height, width
constexpr uint32_t kData = 5;
constexpr uint32_t kShape = 7;
constexpr uint32_t kDoubleData = 8;
}  // namespace blob
constexpr uint32_t kBlobShapeDim = 1;

// A message nested in the file: its bytes and where they start, for error offsets.
struct Message {
    std::span<const uint8_t> bytes;
    size_t offset = 0;
};

struct Layer {
    std::string name;
    std::vector<Message> blobs;
};

// What a blob holds, found without decoding its values.
struct BlobLayout {
    std::vector<int64_t> shape;
    uint64_t floatCount = 0;
    uint64_t doubleCount = 0;

    // Caffe reads double_data when there is any, data otherwise.
    bool usesDoubles() const { return doubleCount > 0; }
    uint64_t valueCount() const { return usesDoubles() ? doubleCount : floatCount; }
};

std::string blobName(const std::string& layerName, size_t index) {
    if (index == 0) {
        return layerName + ".weight";
    }
    if (index == 1) {
        return layerName + ".bias";
    }
    return layerName + ".blob" + std::to_string(index);
}

class CaffeDecoder {
public:
    CaffeDecoder(std::string fileName, const TensorFilter& wanted)
        : fileName_(std::move(fileName)), wanted_(wanted) {}

    TensorSet decode(std::span<const uint8_t> bytes) {
        if (bytes.empty()) {
            notCaffe("the file is empty");
        }
        std::vector<Message> layerMessages;
        std::vector<Message> v1LayerMessages;
        std::string network;
        WireReader reader(bytes);
        WireField field;
        while (next(reader, field)) {
            if (field.number == net::kName) {
                network = stringField(field, "network name");
            } else if (field.number == net::kLayer) {
                layerMessages.push_back(messageField(field, "layer"));
            } else if (field.number == net::kLayers) {
                v1LayerMessages.push_back(messageField(field, "layers"));
            }
        }
        if (layerMessages.empty() && v1LayerMessages.empty()) {
            notCaffe("it has no layers");
        }
        if (!layerMessages.empty() && !v1LayerMessages.empty()) {
            fail("mixes current (layer) and legacy (layers) entries");
        }
        const bool legacy = !v1LayerMessages.empty();

        TensorSet set;
        set.metadata = {{"format", "caffemodel"},
                        {"network", network},
                        {"encoding", legacy ? "V1LayerParameter" : "layer"}};
        size_t blobCount = 0;
        for (const Message& message : legacy ? v1LayerMessages : layerMessages) {
            const Layer layer = readLayer(message, legacy);
            for (size_t i = 0; i < layer.blobs.size(); ++i) {
                readBlob(layer, i, set);
            }
            blobCount += layer.blobs.size();
        }
        if (blobCount == 0) {
            fail("holds no weights (none of its layers has blobs)");
        }
        return set;
    }

private:
    [[noreturn]] void fail(const std::string& problem) const {
        throw Error(fileName_ + ": " + problem);
    }

    [[noreturn]] void notCaffe(const std::string& reason) const {
        throw Error(fileName_ + " is not a valid Caffe model (" + reason + ")");
    }

    bool next(WireReader& reader, WireField& field) const {
        try {
            return reader.next(field);
        } catch (const WireFormatError& error) {
            notCaffe(error.what());
        }
    }

    [[noreturn]] void wrongWireType(const WireField& field, const char* what) const {
        notCaffe(std::string(what) + " field " + std::to_string(field.number) + " has wire type " +
                 std::to_string(static_cast<int>(field.type)));
    }

    Message messageField(const WireField& field, const char* what) const {
        if (field.type != WireType::LengthDelimited) {
            wrongWireType(field, what);
        }
        return {field.payload, field.payloadOffset};
    }

    std::string stringField(const WireField& field, const char* what) const {
        const Message message = messageField(field, what);
        return {reinterpret_cast<const char*>(message.bytes.data()), message.bytes.size()};
    }

    Layer readLayer(const Message& message, bool legacy) const {
        const uint32_t nameField = legacy ? v1layer::kName : layer::kName;
        const uint32_t blobsField = legacy ? v1layer::kBlobs : layer::kBlobs;
        Layer result;
        WireReader reader(message.bytes, message.offset);
        WireField field;
        while (next(reader, field)) {
            if (field.number == nameField) {
                result.name = stringField(field, "layer name");
            } else if (field.number == blobsField) {
                result.blobs.push_back(messageField(field, "layer blobs"));
            }
        }
        if (!result.blobs.empty() && result.name.empty()) {
            fail("a layer with weights has no name (at byte " + std::to_string(message.offset) +
                 ")");
        }
        return result;
    }

    // A non-negative int32 or int64 size from a varint field.
    int64_t dimension(const WireField& field, bool is64Bit, const std::string& where) const {
        if (field.type != WireType::Varint) {
            wrongWireType(field, "blob size");
        }
        const int64_t value = is64Bit ? static_cast<int64_t>(field.value)
                                      : static_cast<int32_t>(static_cast<uint32_t>(field.value));
        if (value < 0) {
            fail(where + " has a negative size " + std::to_string(value));
        }
        return value;
    }

    void readBlobShape(const Message& message, std::vector<int64_t>& dims,
                       const std::string& where) const {
        WireReader reader(message.bytes, message.offset);
        WireField field;
        while (next(reader, field)) {
            if (field.number != kBlobShapeDim) {
                continue;
            }
            if (field.type != WireType::LengthDelimited) {
                dims.push_back(dimension(field, true, where));
                continue;
            }
            // Packed: the payload is a run of varints.
            WireReader packed(field.payload, field.payloadOffset);
            WireField element;
            element.type = WireType::Varint;
            try {
                while (packed.nextPackedVarint(element.value)) {
                    dims.push_back(dimension(element, true, where));
                }
            } catch (const WireFormatError& error) {
                notCaffe(error.what());
            }
        }
    }

    // Counts `field`'s values of `width` bytes, packed or not.
    uint64_t valueCount(const WireField& field, WireType single, size_t width,
                        const std::string& where) const {
        if (field.type == single) {
            return 1;
        }
        if (field.type != WireType::LengthDelimited) {
            wrongWireType(field, "blob data");
        }
        if (field.payload.size() % width != 0) {
            fail(where + " has packed data of " + std::to_string(field.payload.size()) +
                 " bytes, not a whole number of values");
        }
        return field.payload.size() / width;
    }

    BlobLayout readLayout(const Message& message, const std::string& where) const {
        BlobLayout layout;
        std::vector<int64_t> dims;
        bool hasShape = false;
        std::array<int64_t, 4> legacyDims{0, 0, 0, 0};
        bool hasLegacyDims = false;
        WireReader reader(message.bytes, message.offset);
        WireField field;
        while (next(reader, field)) {
            if (field.number >= blob::kNum && field.number <= blob::kWidth) {
                legacyDims[field.number - blob::kNum] = dimension(field, false, where);
                hasLegacyDims = true;
            } else if (field.number == blob::kShape) {
                readBlobShape(messageField(field, "blob shape"), dims, where);
                hasShape = true;
            } else if (field.number == blob::kData) {
                layout.floatCount += valueCount(field, WireType::Fixed32, 4, where);
            } else if (field.number == blob::kDoubleData) {
                layout.doubleCount += valueCount(field, WireType::Fixed64, 8, where);
            }
        }
        // As Caffe does: BlobShape wins, else the legacy 4-D sizes (each defaulting to 0).
        if (hasShape) {
            layout.shape = std::move(dims);
        } else if (hasLegacyDims) {
            layout.shape.assign(legacyDims.begin(), legacyDims.end());
        }
        return layout;
    }

    // Decodes the values readLayout counted; the blob's wire format is known to be sound.
    static std::vector<float> readValues(const Message& message, const BlobLayout& layout) {
        std::vector<float> values(static_cast<size_t>(layout.valueCount()));
        size_t filled = 0;
        WireReader reader(message.bytes, message.offset);
        WireField field;
        while (reader.next(field)) {
            if (!layout.usesDoubles() && field.number == blob::kData) {
                if (field.type == WireType::Fixed32) {
                    values[filled++] = std::bit_cast<float>(static_cast<uint32_t>(field.value));
                } else if (!field.payload.empty()) {
                    std::memcpy(values.data() + filled, field.payload.data(), field.payload.size());
                    filled += field.payload.size() / 4;
                }
            } else if (layout.usesDoubles() && field.number == blob::kDoubleData) {
                if (field.type == WireType::Fixed64) {
                    values[filled++] = static_cast<float>(std::bit_cast<double>(field.value));
                } else {
                    for (size_t i = 0; i < field.payload.size(); i += 8) {
                        double value;
                        std::memcpy(&value, field.payload.data() + i, sizeof value);
                        values[filled++] = static_cast<float>(value);
                    }
                }
            }
        }
        return values;
    }

    void readBlob(const Layer& layer, size_t index, TensorSet& set) {
        const std::string name = blobName(layer.name, index);
        const std::string where = "layer " + layer.name + " blob " + std::to_string(index);
        if (!names_.insert(name).second) {
            fail("tensor " + name + " appears twice (two layers named " + layer.name + "?)");
        }
        const Message& message = layer.blobs[index];
        const BlobLayout layout = readLayout(message, where);
        const std::optional<uint64_t> needed = checkedByteCount(layout.shape, 1);
        if (!needed) {
            fail(where + " has shape " + shapeToString(layout.shape) + ", too large to address");
        }
        if (*needed != layout.valueCount()) {
            fail(where + " has " + std::to_string(layout.valueCount()) + " values but shape " +
                 shapeToString(layout.shape) + " needs " + std::to_string(*needed));
        }
        if (wanted_ && !wanted_(name)) {
            return;
        }
        set.tensors[name] = WeightTensor{layout.shape, readValues(message, layout)};
    }

    std::string fileName_;
    const TensorFilter& wanted_;
    std::set<std::string> names_;
};

}  // namespace

TensorSet readCaffeModel(const std::filesystem::path& file, const TensorFilter& wanted) {
    const MappedFile mapped(file);
    TensorSet set = readCaffeModel(mapped.bytes(), file.filename().string(), wanted);
    set.sourceFile = file;
    return set;
}

TensorSet readCaffeModel(std::span<const uint8_t> bytes, const std::string& name,
                         const TensorFilter& wanted) {
    return CaffeDecoder(name, wanted).decode(bytes);
}

}  // namespace impasto

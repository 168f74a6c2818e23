#include "core/weights/SafetensorsWriter.h"

#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/weights/Shape.h"

namespace impasto {

namespace {

static_assert(std::endian::native == std::endian::little,
              "tensor data is little-endian and copied as is");

// The reference implementation pads the header so that the data starts 8-byte aligned.
constexpr size_t kHeaderAlignment = 8;

void checkTensor(const std::string& name, const WeightTensor& tensor) {
    if (name == "__metadata__") {
        throw Error("Cannot write a tensor named __metadata__ to a safetensors file");
    }
    const std::optional<uint64_t> bytes = checkedByteCount(tensor.shape, sizeof(float));
    if (!bytes || *bytes != tensor.values.size() * sizeof(float)) {
        throw Error("Cannot write tensor " + name + " to a safetensors file: shape " +
                    shapeToString(tensor.shape) + " does not hold its " +
                    std::to_string(tensor.values.size()) + " values");
    }
}

}  // namespace

std::vector<uint8_t> safetensorsBytes(const std::map<std::string, WeightTensor>& tensors,
                                      const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        checkTensor(name, tensor);
        const uint64_t end = offset + tensor.values.size() * sizeof(float);
        header[name] = {{"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, end}}};
        offset = end;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception& error) {
        throw Error(std::string("Cannot write a safetensors header: ") + error.what());
    }
    text.append((kHeaderAlignment - text.size() % kHeaderAlignment) % kHeaderAlignment, ' ');

    std::vector<uint8_t> bytes(8 + text.size() + offset);
    const uint64_t headerLength = text.size();
    for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<uint8_t>(headerLength >> (8 * i));
    }
    std::memcpy(bytes.data() + 8, text.data(), text.size());
    uint8_t* data = bytes.data() + 8 + text.size();
    for (const auto& [name, tensor] : tensors) {
        if (!tensor.values.empty()) {
            std::memcpy(data, tensor.values.data(), tensor.values.size() * sizeof(float));
            data += tensor.values.size() * sizeof(float);
        }
    }
    return bytes;
}

void writeSafetensors(const std::filesystem::path& file,
                      const std::map<std::string, WeightTensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    writeFileAtomically(file, safetensorsBytes(tensors, metadata));
}

}  // namespace impasto

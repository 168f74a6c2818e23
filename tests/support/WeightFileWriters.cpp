#include "support/WeightFileWriters.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/weights/SafetensorsWriter.h"
#include "support/TestFiles.h"

namespace impasto::test {

namespace {

void appendLittleEndian(QByteArray& out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.append(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
}

uint16_t floatToHalf(float value) {
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
    const uint32_t magnitude = bits & 0x7FFFFFFF;
    if (magnitude >= 0x7F800000) {  // infinity or NaN
        return sign | (magnitude > 0x7F800000 ? 0x7E00 : 0x7C00);
    }
    if (magnitude >= 0x477FF000) {  // rounds past 65504
        return sign | 0x7C00;
    }
    if (magnitude < 0x38800000) {  // below 2^-14: subnormal, in units of 2^-24
        const float units = std::bit_cast<float>(magnitude) * 16777216.0f;
        return sign | static_cast<uint16_t>(std::nearbyint(units));
    }
    uint32_t half = (magnitude >> 13) - (112 << 10);  // rebias the exponent from 127 to 15
    const uint32_t dropped = magnitude & 0x1FFF;
    if (dropped > 0x1000 || (dropped == 0x1000 && (half & 1) != 0)) {
        ++half;
    }
    return sign | static_cast<uint16_t>(half);
}

void appendVarint(QByteArray& out, uint64_t value) {
    while (value >= 0x80) {
        out.append(static_cast<char>((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.append(static_cast<char>(value));
}

void appendTag(QByteArray& out, uint32_t field, uint32_t wireType) {
    appendVarint(out, (uint64_t{field} << 3) | wireType);
}

void appendBytesField(QByteArray& out, uint32_t field, const QByteArray& bytes) {
    appendTag(out, field, 2);
    appendVarint(out, static_cast<uint64_t>(bytes.size()));
    out.append(bytes);
}

void appendVarintField(QByteArray& out, uint32_t field, uint64_t value) {
    appendTag(out, field, 0);
    appendVarint(out, value);
}

// caffe.proto's V1LayerParameter.LayerType for the types tests use; NONE otherwise.
uint64_t v1LayerType(const std::string& type) {
    static const std::map<std::string, uint64_t> types = {
        {"Convolution", 4}, {"InnerProduct", 14}, {"Pooling", 17}, {"ReLU", 18}};
    const auto found = types.find(type);
    return found == types.end() ? 0 : found->second;
}

QByteArray blobBytes(const WeightTensor& tensor, CaffeEncoding encoding, CaffeValues values) {
    QByteArray blob;
    if (encoding == CaffeEncoding::V1Layer) {
        std::vector<int64_t> dims(4 - std::min<size_t>(4, tensor.shape.size()), 1);
        dims.insert(dims.end(), tensor.shape.begin(), tensor.shape.end());
        for (uint32_t i = 0; i < 4; ++i) {
            appendVarintField(blob, 1 + i, static_cast<uint64_t>(dims[i]));  // num..width
        }
    } else {
        QByteArray shape;
        if (values == CaffeValues::Unpacked) {
            for (const int64_t dim : tensor.shape) {
                appendVarintField(shape, 1, static_cast<uint64_t>(dim));
            }
        } else {
            QByteArray packed;
            for (const int64_t dim : tensor.shape) {
                appendVarint(packed, static_cast<uint64_t>(dim));
            }
            appendBytesField(shape, 1, packed);
        }
        appendBytesField(blob, 7, shape);
    }
    QByteArray packed;
    for (const float value : tensor.values) {
        switch (values) {
            case CaffeValues::Packed:
                appendLittleEndian(packed, std::bit_cast<uint32_t>(value), 4);
                break;
            case CaffeValues::Unpacked:
                appendTag(blob, 5, 5);
                appendLittleEndian(blob, std::bit_cast<uint32_t>(value), 4);
                break;
            case CaffeValues::PackedDoubles:
                appendLittleEndian(packed, std::bit_cast<uint64_t>(double{value}), 8);
                break;
        }
    }
    if (values == CaffeValues::Packed) {
        appendBytesField(blob, 5, packed);
    } else if (values == CaffeValues::PackedDoubles) {
        appendBytesField(blob, 8, packed);
    }
    return blob;
}

}  // namespace

QByteArray safetensorsBytes(const std::map<std::string, WeightTensor>& tensors,
                            const std::map<std::string, std::string>& metadata,
                            SafetensorsDtype dtype) {
    if (dtype == SafetensorsDtype::F32) {
        const std::vector<uint8_t> bytes = impasto::safetensorsBytes(tensors, metadata);
        return QByteArray(reinterpret_cast<const char*>(bytes.data()),
                          static_cast<qsizetype>(bytes.size()));
    }
    // The writer's layout with float16 data, which only tests write.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    QByteArray data;
    for (const auto& [name, tensor] : tensors) {
        const qsizetype begin = data.size();
        for (const float value : tensor.values) {
            appendLittleEndian(data, floatToHalf(value), 2);
        }
        header[name] = {
            {"dtype", "F16"}, {"shape", tensor.shape}, {"data_offsets", {begin, data.size()}}};
    }
    return safetensorsBytes(QByteArray::fromStdString(header.dump()), data);
}

QByteArray safetensorsBytes(const QByteArray& header, const QByteArray& data) {
    QByteArray file;
    appendLittleEndian(file, static_cast<uint64_t>(header.size()), 8);
    return file + header + data;
}

bool writeSafetensors(const QString& file, const std::map<std::string, WeightTensor>& tensors,
                      const std::map<std::string, std::string>& metadata, SafetensorsDtype dtype) {
    return writeBytes(file, safetensorsBytes(tensors, metadata, dtype));
}

QByteArray caffeModelBytes(const std::string& network, const std::vector<CaffeLayer>& layers,
                           CaffeEncoding encoding, CaffeValues values) {
    QByteArray net;
    appendBytesField(net, 1, QByteArray::fromStdString(network));
    for (const CaffeLayer& layer : layers) {
        QByteArray message;
        if (encoding == CaffeEncoding::V1Layer) {
            appendBytesField(message, 4, QByteArray::fromStdString(layer.name));
            appendVarintField(message, 5, v1LayerType(layer.type));
            for (const WeightTensor& blob : layer.blobs) {
                appendBytesField(message, 6, blobBytes(blob, encoding, values));
            }
            appendBytesField(net, 2, message);
        } else {
            appendBytesField(message, 1, QByteArray::fromStdString(layer.name));
            appendBytesField(message, 2, QByteArray::fromStdString(layer.type));
            for (const WeightTensor& blob : layer.blobs) {
                appendBytesField(message, 7, blobBytes(blob, encoding, values));
            }
            appendBytesField(net, 100, message);
        }
    }
    return net;
}

bool writeCaffeModel(const QString& file, const std::string& network,
                     const std::vector<CaffeLayer>& layers, CaffeEncoding encoding,
                     CaffeValues values) {
    return writeBytes(file, caffeModelBytes(network, layers, encoding, values));
}

}  // namespace impasto::test

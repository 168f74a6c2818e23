#pragma once

#include <QByteArray>
#include <QString>

#include <map>
#include <string>
#include <vector>

#include "core/weights/TensorSet.h"

namespace impasto::test {

// Writers for real weight files, so reader tests can round-trip values and damage files on
// purpose. The Caffe writer writes what it is given without validating it (a blob whose value
// count does not match its shape is a test case); F32 safetensors come from the engine's own
// writer (core/weights/SafetensorsWriter.h), which refuses such tensors. Hand-made bytes go to
// a file with writeBytes (support/TestFiles.h).

enum class SafetensorsDtype { F32, F16 };

// A safetensors file holding `tensors`, in name order; F16 rounds values to nearest even.
// Throws impasto::Error for a tensor whose values do not fill its shape.
QByteArray safetensorsBytes(const std::map<std::string, WeightTensor>& tensors,
                            const std::map<std::string, std::string>& metadata = {},
                            SafetensorsDtype dtype = SafetensorsDtype::F32);
// A safetensors file with a hand-written header, for malformed ones.
QByteArray safetensorsBytes(const QByteArray& header, const QByteArray& data);
bool writeSafetensors(const QString& file, const std::map<std::string, WeightTensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {},
                      SafetensorsDtype dtype = SafetensorsDtype::F32);

struct CaffeLayer {
    std::string name;
    std::string type;  // "Convolution", "ReLU"...; legacy files store it as an enum
    std::vector<WeightTensor> blobs;
};

// Layer: NetParameter.layer (field 100) with BlobShape sizes, as current Caffe writes.
// V1Layer: NetParameter.layers (field 2) with num/channels/height/width sizes (shapes of fewer
// than 4 dimensions are padded with leading 1s), as Oxford's VGG-19 file.
enum class CaffeEncoding { Layer, V1Layer };
// Packed: float data (and BlobShape dims) packed, as Caffe writes. Unpacked: one field per
// value, as older protobuf versions wrote. PackedDoubles: the values as double_data.
enum class CaffeValues { Packed, Unpacked, PackedDoubles };

QByteArray caffeModelBytes(const std::string& network, const std::vector<CaffeLayer>& layers,
                           CaffeEncoding encoding, CaffeValues values = CaffeValues::Packed);
bool writeCaffeModel(const QString& file, const std::string& network,
                     const std::vector<CaffeLayer>& layers, CaffeEncoding encoding,
                     CaffeValues values = CaffeValues::Packed);

}  // namespace impasto::test

#include "core/weights/WeightFile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <string>

#include "core/common/Error.h"
#include "core/weights/CaffeModelReader.h"
#include "core/weights/SafetensorsReader.h"

namespace impasto {

namespace {

// One weight that is NaN or infinite makes every loss NaN, which would surface much later as a
// diverged run with advice about the learning rate: the file is refused here, naming the tensor.
void requireFiniteValues(const TensorSet& set, const std::filesystem::path& file) {
    for (const auto& [name, tensor] : set.tensors) {
        const auto count = std::count_if(tensor.values.begin(), tensor.values.end(),
                                         [](float value) { return !std::isfinite(value); });
        if (count > 0) {
            throw Error(file.filename().string() + ": tensor " + name + " holds " +
                        std::to_string(count) + " of " + std::to_string(tensor.values.size()) +
                        " values that are not finite numbers (NaN or infinity); the file is "
                        "damaged");
        }
    }
}

}  // namespace

TensorSet readWeightFile(const std::filesystem::path& file, const TensorFilter& wanted) {
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(file, error);
    if (status.type() == std::filesystem::file_type::not_found) {
        throw Error("Cannot read " + file.string() + ": no such file");
    }
    if (error) {
        throw Error("Cannot read " + file.string() + ": " + error.message());
    }
    if (!std::filesystem::is_regular_file(status)) {
        throw Error("Cannot read " + file.string() + ": not a regular file");
    }
    const uintmax_t fileSize = std::filesystem::file_size(file, error);
    if (error) {
        throw Error("Cannot read " + file.string() + ": " + error.message());
    }
    if (fileSize == 0) {
        throw Error(file.filename().string() + " is empty; it is not a weight file");
    }

    std::array<uint8_t, 9> start{};
    if (fileSize >= start.size()) {
        std::ifstream stream(file, std::ios::binary);
        if (!stream.read(reinterpret_cast<char*>(start.data()), start.size())) {
            throw Error("Cannot read " + file.string() + ": reading its first bytes failed");
        }
    }
    // A safetensors file damaged at its start no longer looks like one; its name still says
    // what it is meant to be, and the safetensors reader explains what is wrong far better.
    TensorSet set = (fileSize >= start.size() && looksLikeSafetensors(start)) ||
                            file.extension() == ".safetensors"
                        ? readSafetensors(file, wanted)
                        : readCaffeModel(file, wanted);
    requireFiniteValues(set, file);
    return set;
}

}  // namespace impasto

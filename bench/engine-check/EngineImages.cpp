#include "bench/engine-check/EngineImages.h"

#include <algorithm>

#include "core/common/Error.h"
#include "core/weights/SafetensorsReader.h"
#include "core/weights/SafetensorsWriter.h"

namespace impasto::bench {

void writeEngineImages(const std::filesystem::path& file, const NamedImages& images) {
    std::map<std::string, WeightTensor> tensors;
    for (const auto& [name, image] : images) {
        tensors[name] = {{image.height(), image.width(), 3}, image.rgb};
    }
    writeSafetensors(file, tensors, {{"format", "impasto-engine-images"}});
}

NamedImages readEngineImages(const std::filesystem::path& file) {
    TensorSet set = readSafetensors(file);
    NamedImages images;
    for (auto& [name, tensor] : set.tensors) {
        const auto& shape = tensor.shape;
        if (shape.size() != 3 || shape[2] != 3 || shape[0] <= 0 || shape[1] <= 0) {
            throw Error(file.string() + ": tensor " + name +
                        " is not an image (expected [height, width, 3])");
        }
        Image image(static_cast<int>(shape[1]), static_cast<int>(shape[0]));
        image.rgb = std::move(tensor.values);
        std::for_each(image.rgb.begin(), image.rgb.end(),
                      [](float& sample) { sample = std::clamp(sample, 0.0f, 1.0f); });
        images[name] = std::move(image);
    }
    return images;
}

}  // namespace impasto::bench

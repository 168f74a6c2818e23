#pragma once

#include <array>
#include <string>

namespace impasto {

// How a network expects its input, derived from the lineage of its weights. The engine keeps
// images as RGB in [0, 1]; this turns them into what the network was trained on.
struct Preprocessing {
    enum class ChannelOrder { Rgb, Bgr };

    ChannelOrder channelOrder = ChannelOrder::Bgr;
    float inputScale = 255.0f;                      // [0, 1] -> [0, inputScale]
    std::array<float, 3> mean{0.0f, 0.0f, 0.0f};    // subtracted, in the network's channel order
    std::array<float, 3> stddev{1.0f, 1.0f, 1.0f};  // divided by, in the network's channel order

    // Caffe lineage: BGR, 0..255, mean subtracted (VGG's and SqueezeNet's Caffe files).
    static Preprocessing caffe(float meanB, float meanG, float meanR);
    // torchvision lineage: RGB, 0..1, ImageNet mean and standard deviation.
    static Preprocessing torchvision();

    // "caffe-bgr:104.006,116.669,122.679" or "torchvision"; throws impasto::Error otherwise.
    static Preprocessing parse(const std::string& text);

    bool operator==(const Preprocessing&) const = default;
};

}  // namespace impasto

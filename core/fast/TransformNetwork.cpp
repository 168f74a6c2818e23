#include "core/fast/TransformNetwork.h"

#include <algorithm>
#include <cmath>

#include "core/common/Error.h"

namespace impasto {

namespace {

int64_t channels(double width, int64_t full) {
    return std::max<int64_t>(8, std::llround(full * width));
}

struct ConvolutionShape {
    std::string name;
    int64_t in;
    int64_t out;
    int64_t kernel;
    bool normalised;  // followed by instance normalisation (all but the last)
};

std::vector<ConvolutionShape> convolutionShapes(double width) {
    const int64_t c1 = channels(width, 32);
    const int64_t c2 = channels(width, 64);
    const int64_t c3 = channels(width, 128);
    std::vector<ConvolutionShape> shapes = {
        {"conv1", 3, c1, 9, true}, {"conv2", c1, c2, 3, true}, {"conv3", c2, c3, 3, true}};
    for (int i = 1; i <= TransformNetwork::kResidualBlocks; ++i) {
        const std::string block = "res" + std::to_string(i);
        shapes.push_back({block + ".conv1", c3, c3, 3, true});
        shapes.push_back({block + ".conv2", c3, c3, 3, true});
    }
    shapes.push_back({"up1", c3, c2, 3, true});
    shapes.push_back({"up2", c2, c1, 3, true});
    shapes.push_back({"out", c1, 3, 9, false});
    return shapes;
}

}  // namespace

bool TransformNetwork::isSupportedWidth(double width) {
    return width == 1.0 || width == 0.5 || width == 0.25;
}

std::map<std::string, std::vector<int64_t>> TransformNetwork::parameterShapes(double width) {
    if (!isSupportedWidth(width)) {
        throw Error("A fast style's width must be 1, 0.5 or 0.25, not " + std::to_string(width));
    }
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const ConvolutionShape& c : convolutionShapes(width)) {
        shapes[c.name + ".weight"] = {c.out, c.in, c.kernel, c.kernel};
        shapes[c.name + ".bias"] = {c.out};
        if (c.normalised) {
            shapes[c.name + ".norm.weight"] = {c.out};
            shapes[c.name + ".norm.bias"] = {c.out};
        }
    }
    return shapes;
}

TransformNetwork::TransformNetwork(double width, uint64_t seed) : width_(width) {
    auto generator = at::detail::createCPUGenerator(seed);
    const auto shapes = parameterShapes(width);
    for (const auto& [name, shape] : shapes) {
        at::Tensor tensor;
        if (name.ends_with(".norm.weight")) {
            tensor = at::ones(shape);
        } else if (name.ends_with(".norm.bias")) {
            tensor = at::zeros(shape);
        } else {
            // The bias shares its convolution's fan in: in x k x k.
            const auto& weight = shapes.at(
                name.ends_with(".bias") ? name.substr(0, name.size() - 5) + ".weight" : name);
            const double bound = 1.0 / std::sqrt(double(weight[1] * weight[2] * weight[3]));
            tensor = at::empty(shape).uniform_(-bound, bound, generator);
        }
        parameters_[name] = tensor.set_requires_grad(true);
    }
}

TransformNetwork::TransformNetwork(double width, std::map<std::string, at::Tensor> parameters)
    : width_(width), parameters_(std::move(parameters)) {
    const auto shapes = parameterShapes(width);
    for (const auto& [name, shape] : shapes) {
        const auto found = parameters_.find(name);
        if (found == parameters_.end()) {
            throw Error("The fast style lacks the tensor " + name);
        }
        if (found->second.sizes() != at::IntArrayRef(shape)) {
            throw Error("The fast style's tensor " + name + " has the wrong shape for width " +
                        std::to_string(width));
        }
    }
    for (const auto& [name, tensor] : parameters_) {
        if (!shapes.contains(name)) {
            throw Error("The fast style holds an unknown tensor " + name);
        }
    }
}

std::vector<at::Tensor> TransformNetwork::parameterList() const {
    std::vector<at::Tensor> list;
    for (const auto& [name, tensor] : parameters_) {
        list.push_back(tensor);
    }
    return list;
}

int64_t TransformNetwork::parameterCount() const {
    int64_t count = 0;
    for (const auto& [name, tensor] : parameters_) {
        count += tensor.numel();
    }
    return count;
}

at::Tensor TransformNetwork::convolution(const std::string& name, const at::Tensor& input,
                                         int stride) const {
    const at::Tensor& weight = parameters_.at(name + ".weight");
    const int64_t pad = weight.size(2) / 2;
    return at::conv2d(at::reflection_pad2d(input, {pad, pad, pad, pad}), weight,
                      parameters_.at(name + ".bias"), stride);
}

at::Tensor TransformNetwork::normalised(const std::string& name, const at::Tensor& input) const {
    return at::instance_norm(input, parameters_.at(name + ".norm.weight"),
                             parameters_.at(name + ".norm.bias"), {}, {}, true, 0.1,
                             kNormalisationEpsilon, false);
}

at::Tensor TransformNetwork::paddedToStride(const at::Tensor& rgb) {
    const int64_t padBottom = (4 - rgb.size(2) % 4) % 4;
    const int64_t padRight = (4 - rgb.size(3) % 4) % 4;
    return (padBottom || padRight) ? at::replication_pad2d(rgb, {0, padRight, 0, padBottom}) : rgb;
}

at::Tensor TransformNetwork::forward(const at::Tensor& rgb) const {
    const int64_t height = rgb.size(2);
    const int64_t width = rgb.size(3);
    at::Tensor x = paddedToStride(rgb);
    auto block = [&](const std::string& name, const at::Tensor& input, int stride) {
        return at::relu(normalised(name, convolution(name, input, stride)));
    };
    x = block("conv1", x, 1);
    x = block("conv2", x, 2);
    x = block("conv3", x, 2);
    for (int i = 1; i <= kResidualBlocks; ++i) {
        const std::string name = "res" + std::to_string(i);
        const at::Tensor inner = block(name + ".conv1", x, 1);
        x = x + normalised(name + ".conv2", convolution(name + ".conv2", inner, 1));
    }
    x = block("up1", at::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}), 1);
    x = block("up2", at::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}), 1);
    x = convolution("out", x, 1);
    return x.narrow(2, 0, height).narrow(3, 0, width);
}

}  // namespace impasto

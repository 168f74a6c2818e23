#include "core/fast/FastStyleTrainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <ATen/autocast_mode.h>
#include <ATen/core/grad_mode.h>

#include "core/common/Error.h"
#include "core/model/ComputeDevice.h"
#include "core/model/FeatureNetwork.h"
#include "core/style/EngineErrors.h"
#include "core/style/ImageTensor.h"

namespace impasto {

FastTrainingOptions trainingOptions(int trainSize, int batchSize, double width,
                                    const StyleSettings& settings) {
    FastTrainingOptions options;
    options.trainSize = trainSize;
    options.batchSize = batchSize;
    options.width = width;
    options.seed = settings.seed;
    if (settings.learningRate > 0.0) {
        options.learningRate = settings.learningRate;
    }
    return options;
}

namespace {

constexpr double kBeta1 = 0.9;
constexpr double kBeta2 = 0.999;
constexpr double kEpsilon = 1e-8;

// SplitMix64: the crops of step s are a pure function of (seed, s, crop), so nothing but the
// step needs saving to resume.
uint64_t mixed(uint64_t value) {
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

uint64_t randomFor(uint64_t seed, int step, int crop, int draw) {
    return mixed(mixed(mixed(seed) ^ static_cast<uint64_t>(step)) ^
                 (static_cast<uint64_t>(crop) << 8 | static_cast<uint64_t>(draw)));
}

// The trainer's own loss network, whose device and precision are its own to set while the
// caller's (a session's, on another thread) stays as it is (FeatureNetwork: copies share only
// the float32 weights).
LoadedModel withOwnNetwork(LoadedModel model) {
    model.network = std::make_shared<FeatureNetwork>(*model.network);
    return model;
}

// A trainable copy of `network`'s parameters on `device`.
std::shared_ptr<TransformNetwork> trainableOn(const TransformNetwork& network,
                                              const at::Device& device) {
    std::map<std::string, at::Tensor> parameters;
    for (const auto& [name, parameter] : network.parameters()) {
        parameters[name] =
            parameter.detach().to(device, at::kFloat, false, true).set_requires_grad(true);
    }
    return std::make_shared<TransformNetwork>(network.width(), std::move(parameters));
}

// The transformation network's pass with bfloat16 convolutions where the training computes in
// bfloat16 (autocast: the weights, their gradients and Adam's state stay float32). Autocast is
// per thread; the guard turns it off however the pass ends.
class Bfloat16Pass {
public:
    Bfloat16Pass(bool enabled, const at::Device& device)
        : enabled_(enabled), cuda_(device.is_cuda()) {
        if (!enabled_) {
            return;
        }
        if (cuda_) {
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
            at::autocast::set_enabled(true);
        } else {
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
            at::autocast::set_cpu_enabled(true);
        }
    }
    ~Bfloat16Pass() {
        if (!enabled_) {
            return;
        }
        if (cuda_) {
            at::autocast::set_enabled(false);
        } else {
            at::autocast::set_cpu_enabled(false);
        }
        at::autocast::clear_cache();
    }
    Bfloat16Pass(const Bfloat16Pass&) = delete;
    Bfloat16Pass& operator=(const Bfloat16Pass&) = delete;

private:
    bool enabled_;
    bool cuda_;
};

std::map<std::string, at::Tensor> on(const std::map<std::string, at::Tensor>& tensors,
                                     const at::Device& device) {
    std::map<std::string, at::Tensor> moved;
    for (const auto& [name, tensor] : tensors) {
        moved[name] = tensor.detach().to(device);
    }
    return moved;
}

}  // namespace

StyleSettings withModelLayers(StyleSettings settings, const ModelInfo& info) {
    settings.contentLayers = layersOrDefaults(settings.contentLayers, info.defaultContentLayers);
    settings.styleLayers = layersOrDefaults(settings.styleLayers, info.defaultStyleLayers);
    return settings;
}

FastStyleTrainer::FastStyleTrainer(LoadedModel model, StyleSettings settings, const Image& painting,
                                   std::string paintingName, std::vector<Image> photos,
                                   FastTrainingOptions options)
    : model_(withOwnNetwork(std::move(model))),
      device_(resolveDevice(options.device)),
      settings_(withModelLayers(std::move(settings), model_.info)),
      paintingName_(std::move(paintingName)),
      options_(options) {
    if (photos.empty()) {
        throw Error("Training a fast style needs at least one photo");
    }
    if (options_.trainSize < 32 || options_.batchSize < 1) {
        throw Error("Training needs crops of at least 32 px and a batch of at least 1");
    }
    // The style's scale follows the crops, as it follows the output in the optimisation mode.
    settings_.outputSize = options_.trainSize;
    validate(settings_);
    FeatureNetwork& network = *model_.network;
    try {
        network.to(device_);
    } catch (...) {
        rethrowForUser("moving the loss network to " + device_.str());
    }
    precision_ = usePrecision(network, settings_.precision);
    network.requireLayers(layerNames(settings_.contentLayers));
    network.requireLayers(layerNames(settings_.styleLayers));
    const auto content = layerNames(activeLayers(settings_.contentLayers));
    const auto style = layerNames(activeLayers(settings_.styleLayers));
    lossLayers_ = content;
    for (const std::string& layer : style) {
        if (std::find(lossLayers_.begin(), lossLayers_.end(), layer) == lossLayers_.end()) {
            lossLayers_.push_back(layer);
        }
    }
    thumbnail_ = resampledToLongestSide(painting, kThumbnailSide);
    for (Image& photo : photos) {
        const int shortSide = std::min(photo.width(), photo.height());
        const double scale = std::clamp(1.0, double(options_.trainSize) / shortSide,
                                        2.0 * options_.trainSize / shortSide);
        photos_.push_back(
            imageToTensor(
                resampled(photo,
                          std::max(options_.trainSize, int(std::lround(photo.width() * scale))),
                          std::max(options_.trainSize, int(std::lround(photo.height() * scale)))))
                .to(device_));
        photo = Image();
    }
    {
        const c10::NoGradGuard noGrad;
        const Image scaled = resampledToLongestSide(painting, styleImageSide(settings_));
        targets_.setStyles(
            {network.extract(imageToTensor(scaled).to(device_), style, settings_.pooling)});
        targets_.blend({}, settings_.styleLoss);
    }
    // Initialised on the CPU, so that a seed starts every device from the same weights.
    network_ = trainableOn(TransformNetwork(options_.width, options_.seed), device_);
    for (const auto& [name, parameter] : network_->parameters()) {
        firstMoments_[name] = at::zeros_like(parameter).set_requires_grad(false);
        secondMoments_[name] = at::zeros_like(parameter).set_requires_grad(false);
    }
}

FastStyleTrainer::~FastStyleTrainer() = default;

std::string FastStyleTrainer::deviceName() const {
    return device_.str();
}

at::Tensor FastStyleTrainer::batch(int step) const {
    std::vector<at::Tensor> crops;
    const int side = options_.trainSize;
    for (int i = 0; i < options_.batchSize; ++i) {
        const at::Tensor& photo = photos_[randomFor(options_.seed, step, i, 0) % photos_.size()];
        const int64_t top = randomFor(options_.seed, step, i, 1) % (photo.size(2) - side + 1);
        const int64_t left = randomFor(options_.seed, step, i, 2) % (photo.size(3) - side + 1);
        at::Tensor crop = photo.narrow(2, top, side).narrow(3, left, side);
        if (randomFor(options_.seed, step, i, 3) % 2) {
            crop = crop.flip({3});
        }
        crops.push_back(crop);
    }
    return at::cat(crops, 0);
}

LossBreakdown FastStyleTrainer::step() {
    const auto start = std::chrono::steady_clock::now();
    const at::Tensor photos = batch(step_);
    const FeatureNetwork& network = *model_.network;
    {
        const c10::NoGradGuard noGrad;
        targets_.setContent(network.extract(
            photos, layerNames(activeLayers(settings_.contentLayers)), settings_.pooling));
    }
    at::Tensor output;
    {
        const Bfloat16Pass pass(precision_.precision == Precision::Bfloat16, device_);
        output = network_->forward(photos).to(at::kFloat);
    }
    auto [loss, breakdown] =
        targets_.losses(output, network.extract(output, lossLayers_, settings_.pooling), settings_);
    if (!std::isfinite(breakdown.total)) {
        throw Error("Training diverged at step " + std::to_string(step_ + 1) +
                    ": lower the learning rate or the style weight");
    }
    for (const at::Tensor& parameter : network_->parameterList()) {
        parameter.mutable_grad() = at::Tensor();
    }
    loss.backward();
    adamUpdate();
    ++step_;
    trainedSeconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return breakdown;
}

void FastStyleTrainer::adamUpdate() {
    const c10::NoGradGuard noGrad;
    const double t = step_ + 1;
    const double correction1 = 1.0 - std::pow(kBeta1, t);
    const double correction2 = 1.0 - std::pow(kBeta2, t);
    for (const auto& [name, parameter] : network_->parameters()) {
        const at::Tensor gradient = parameter.grad();
        if (!gradient.defined()) {
            continue;
        }
        at::Tensor& m = firstMoments_.at(name);
        at::Tensor& v = secondMoments_.at(name);
        m.mul_(kBeta1).add_(gradient, 1.0 - kBeta1);
        v.mul_(kBeta2).addcmul_(gradient, gradient, 1.0 - kBeta2);
        const at::Tensor denominator = (v / correction2).sqrt_().add_(kEpsilon);
        at::Tensor(parameter).addcdiv_(m, denominator, -options_.learningRate / correction1);
    }
}

FastStyle FastStyleTrainer::style() const {
    FastStyle style;
    style.network = trainableOn(*network_, at::kCPU);
    style.lossNetwork = model_.info.architecture;
    style.settings = settings_;
    style.paintingName = paintingName_;
    style.steps = step_;
    style.thumbnail = thumbnail_;
    return style;
}

TrainingState FastStyleTrainer::trainingState() const {
    TrainingState state;
    state.step = step_;
    state.seed = options_.seed;
    state.trainSize = options_.trainSize;
    state.batchSize = options_.batchSize;
    state.learningRate = options_.learningRate;
    state.trainedSeconds = trainedSeconds_;
    state.firstMoments = on(firstMoments_, at::kCPU);
    state.secondMoments = on(secondMoments_, at::kCPU);
    return state;
}

void FastStyleTrainer::resume(const FastStyle& style, const TrainingState& state) {
    if (style.network->width() != options_.width || state.trainSize != options_.trainSize ||
        state.batchSize != options_.batchSize || state.seed != options_.seed) {
        throw Error(
            "The checkpoint was written by a run with another width, crop size, batch "
            "or seed (" +
            std::to_string(state.trainSize) + " px crops, batch " +
            std::to_string(state.batchSize) + ", seed " + std::to_string(state.seed) + ")");
    }
    network_ = trainableOn(*style.network, device_);
    firstMoments_ = on(state.firstMoments, device_);
    secondMoments_ = on(state.secondMoments, device_);
    options_.learningRate = state.learningRate;
    step_ = state.step;
    trainedSeconds_ = state.trainedSeconds;
}

}  // namespace impasto

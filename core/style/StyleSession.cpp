#include "core/style/StyleSession.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adam.h>
#include <torch/optim/lbfgs.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <new>
#include <set>

#include "core/image/ColorTransfer.h"
#include "core/image/ImageLoader.h"
#include "core/model/FeatureNetwork.h"
#include "core/style/ImageTensor.h"
#include "core/style/Losses.h"

namespace impasto {

namespace {

constexpr int kMinimumOutputSize = 16;
constexpr int kMaximumOutputSize = 16384;
constexpr double kDefaultLbfgsRate = 1.0;
constexpr double kDefaultAdamRate = 0.02;
constexpr int kLbfgsHistory = 30;
constexpr int kLbfgsWarmupSteps = 5;
constexpr double kDivergenceFactor = 2.0;

struct LayerTarget {
    at::Tensor target;
    double power = 1.0;  // the target's mean square, the layer's normaliser
};

using Targets = std::map<std::string, LayerTarget>;

double sumOfWeights(const std::vector<LayerWeight>& layers) {
    double sum = 0.0;
    for (const LayerWeight& layer : layers) {
        sum += layer.weight;
    }
    return sum;
}

bool isOutOfMemory(const c10::Error& error) {
    const std::string message = error.what();
    return message.find("out of memory") != std::string::npos ||
           message.find("can't allocate memory") != std::string::npos;
}

}  // namespace

struct StyleSession::State {
    LoadedModel model;
    at::Device device = at::kCPU;
    StyleSettings settings;

    std::optional<Image> content;
    std::vector<Image> styles;
    std::optional<Image> initImage;

    // Content image at the output size, for colour preservation and alpha.
    Image contentAtSize;
    Targets contentTargets;
    // Gram matrices per style image, and their blend (what the loss compares against).
    std::vector<std::map<std::string, at::Tensor>> styleGrams;
    Targets blendedGrams;

    bool contentStale = true;
    bool stylesStale = true;
    bool blendStale = true;
    bool imageStale = true;    // start (again) from the initial image
    bool sizeChanged = false;  // resample the current image to the new size
    bool optimizerStale = true;

    int height = 0;
    int width = 0;
    at::Tensor image;  // 1 x 3 x H x W, RGB in [0, 1], the optimised variable
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    int warmupStepsLeft = 0;
    // Where the last plain L-BFGS step started, and the loss there, to undo an overshoot.
    at::Tensor previousStepStart;
    double previousStepTotal = 0.0;
    int iteration = 0;
    LossBreakdown lastLosses;
    SessionCounters counters;

    std::vector<std::string> allLayers() const {
        std::set<std::string> names;
        for (const auto* list : {&settings.contentLayers, &settings.styleLayers}) {
            for (const LayerWeight& layer : *list) {
                if (layer.weight > 0.0)
                    names.insert(layer.layer);
            }
        }
        return {names.begin(), names.end()};
    }

    FeatureNetwork& network() { return *model.network; }

    // Output size: the content image's aspect at settings.outputSize, else the init image's,
    // else the first style's, else square.
    void updateSize() {
        const Image* shape = content           ? &*content
                             : initImage       ? &*initImage
                             : !styles.empty() ? &styles.front()
                                               : nullptr;
        const int longest = settings.outputSize;
        int newWidth = longest, newHeight = longest;
        if (shape != nullptr) {
            const double scale =
                static_cast<double>(longest) / std::max(shape->width(), shape->height());
            newWidth = std::max(1, static_cast<int>(std::lround(shape->width() * scale)));
            newHeight = std::max(1, static_cast<int>(std::lround(shape->height() * scale)));
        }
        if (newWidth != width || newHeight != height) {
            width = newWidth;
            height = newHeight;
            sizeChanged = image.defined();
            contentStale = true;
            stylesStale = true;
        }
    }

    at::Tensor toDevice(const Image& picture) const { return imageToTensor(picture).to(device); }

    void computeContentTargets() {
        contentTargets.clear();
        contentAtSize = {};
        if (!content) {
            return;
        }
        contentAtSize = resizeTo(*content, width, height);
        const at::NoGradGuard noGrad;
        const auto features = network().extract(
            toDevice(contentAtSize), layerNames(settings.contentLayers), settings.pooling);
        for (const auto& [layer, activation] : features) {
            contentTargets[layer] = {activation.detach(), meanPower(activation)};
        }
    }

    // `beforeImage(i)` runs before style image i: the place to report progress and cancel.
    void computeStyleGrams(const std::function<void(int)>& beforeImage) {
        styleGrams.clear();
        const int styleSide =
            std::max(kMinimumOutputSize,
                     static_cast<int>(std::lround(settings.outputSize * settings.styleScale)));
        const at::NoGradGuard noGrad;
        for (size_t i = 0; i < styles.size(); ++i) {
            beforeImage(static_cast<int>(i));
            const Image& style = styles[i];
            const Image scaled = resizeToMaxSide(style, styleSide, true);
            const auto features = network().extract(
                toDevice(scaled), layerNames(settings.styleLayers), settings.pooling);
            std::map<std::string, at::Tensor> grams;
            for (const auto& [layer, activation] : features) {
                grams[layer] = gramMatrix(activation).detach();
            }
            styleGrams.push_back(std::move(grams));
        }
    }

    std::vector<double> normalisedBlend() const {
        std::vector<double> blend = settings.styleBlend;
        if (blend.size() != styles.size()) {
            blend.assign(styles.size(), 1.0);
        }
        double sum = 0.0;
        for (const double w : blend)
            sum += w;
        for (double& w : blend)
            w = sum > 0.0 ? w / sum : 1.0 / blend.size();
        return blend;
    }

    void blendGrams() {
        blendedGrams.clear();
        if (styleGrams.empty()) {
            return;
        }
        const std::vector<double> blend = normalisedBlend();
        for (const LayerWeight& layer : settings.styleLayers) {
            at::Tensor mixed;
            for (size_t i = 0; i < styleGrams.size(); ++i) {
                const at::Tensor part = styleGrams[i].at(layer.layer) * blend[i];
                mixed = mixed.defined() ? mixed + part : part;
            }
            blendedGrams[layer.layer] = {mixed, meanPower(mixed)};
        }
    }

    at::Tensor initialImage() const {
        if (settings.init == InitKind::Image && initImage) {
            return toDevice(resizeTo(*initImage, width, height));
        }
        if (settings.init == InitKind::Content && content) {
            return toDevice(contentAtSize);
        }
        // Mid-grey plus seeded noise: enough variation for the network to see texture.
        auto generator = at::detail::createCPUGenerator(settings.seed);
        return (at::randn({1, 3, height, width}, generator) * 0.15 + 0.5)
            .clamp(0.0, 1.0)
            .to(device);
    }

    void resetOptimizer() {
        image = image.detach().requires_grad_(true);
        previousStepStart = at::Tensor();
        const double rate = settings.learningRate > 0.0                  ? settings.learningRate
                            : settings.optimizer == OptimizerKind::Lbfgs ? kDefaultLbfgsRate
                                                                         : kDefaultAdamRate;
        if (settings.optimizer == OptimizerKind::Lbfgs) {
            // One L-BFGS iteration per step, no convergence tests: the user decides when to stop.
            optimizer = std::make_unique<torch::optim::LBFGS>(std::vector<at::Tensor>{image},
                                                              torch::optim::LBFGSOptions(rate)
                                                                  .max_iter(1)
                                                                  .history_size(kLbfgsHistory)
                                                                  .tolerance_grad(0.0)
                                                                  .tolerance_change(0.0));
            warmupStepsLeft = kLbfgsWarmupSteps;
        } else {
            optimizer = std::make_unique<torch::optim::Adam>(std::vector<at::Tensor>{image},
                                                             torch::optim::AdamOptions(rate));
        }
        optimizerStale = false;
    }

    // L-BFGS without a line search costs one evaluation per iteration but, until its history
    // knows the curvature, can overshoot wildly; so the first iterations after a (re)start
    // search for a step satisfying the strong Wolfe conditions, later ones take plain steps.
    // A plain step that blows the loss up is undone and the warm-up starts again.
    LossBreakdown lbfgsStep() {
        auto& options =
            static_cast<torch::optim::LBFGSOptions&>(optimizer->param_groups()[0].options());
        const bool warmingUp = warmupStepsLeft > 0;
        if (warmingUp) {
            --warmupStepsLeft;
            options.line_search_fn("strong_wolfe");
        } else {
            options.line_search_fn(c10::nullopt);
        }
        const at::Tensor start = image.detach().clone();
        std::optional<LossBreakdown> atStart;
        optimizer->step([&] {
            optimizer->zero_grad();
            auto [total, terms] = losses();
            total.backward();
            if (!atStart)
                atStart = terms;  // later calls are line-search trials
            return total;
        });
        const bool diverged =
            !std::isfinite(atStart->total) ||
            (previousStepStart.defined() && atStart->total > kDivergenceFactor * previousStepTotal);
        if (diverged && previousStepStart.defined()) {
            // The previous plain step overshot: go back to where it started.
            image = previousStepStart;
            previousStepStart = at::Tensor();
            resetOptimizer();
            return lastLosses;
        }
        previousStepStart = warmingUp ? at::Tensor() : start;
        previousStepTotal = atStart->total;
        return *atStart;
    }

    LossBreakdown adamStep() {
        optimizer->zero_grad();
        auto [total, terms] = losses();
        total.backward();
        optimizer->step();
        const at::NoGradGuard noGrad;
        image.clamp_(0.0, 1.0);
        return terms;
    }

    // The weighted loss terms at the current image.
    std::pair<at::Tensor, LossBreakdown> losses() {
        const auto features = network().extract(image, allLayers(), settings.pooling);
        at::Tensor contentTerm = at::zeros({}, image.options());
        at::Tensor styleTerm = at::zeros({}, image.options());
        const double contentNorm = sumOfWeights(settings.contentLayers);
        if (!contentTargets.empty() && settings.contentWeight > 0.0 && contentNorm > 0.0) {
            for (const LayerWeight& layer : settings.contentLayers) {
                if (layer.weight <= 0.0)
                    continue;
                const LayerTarget& target = contentTargets.at(layer.layer);
                contentTerm = contentTerm + relativeSquaredError(features.at(layer.layer),
                                                                 target.target, target.power) *
                                                (layer.weight / contentNorm);
            }
            contentTerm = contentTerm * settings.contentWeight;
        }
        const double styleNorm = sumOfWeights(settings.styleLayers);
        if (!blendedGrams.empty() && settings.styleWeight > 0.0 && styleNorm > 0.0) {
            for (const LayerWeight& layer : settings.styleLayers) {
                if (layer.weight <= 0.0)
                    continue;
                const LayerTarget& target = blendedGrams.at(layer.layer);
                styleTerm = styleTerm + relativeSquaredError(gramMatrix(features.at(layer.layer)),
                                                             target.target, target.power) *
                                            (layer.weight / styleNorm);
            }
            styleTerm = styleTerm * settings.styleWeight;
        }
        const at::Tensor tvTerm = totalVariation(image) * settings.tvWeight;
        const at::Tensor total = contentTerm + styleTerm + tvTerm;
        LossBreakdown breakdown;
        breakdown.content = contentTerm.item<double>();
        breakdown.style = styleTerm.item<double>();
        breakdown.totalVariation = tvTerm.item<double>();
        breakdown.total = total.item<double>();
        return {total, breakdown};
    }
};

StyleSession::StyleSession(LoadedModel model, DevicePreference device)
    : state_(std::make_unique<State>()) {
    useAllCores();
    state_->model = std::move(model);
    state_->device = at::Device(resolveDevice(device));
    state_->network().to(state_->device);
    applySettings(StyleSettings{});
}

StyleSession::~StyleSession() = default;

const ModelInfo& StyleSession::model() const {
    return state_->model.info;
}

std::string StyleSession::deviceName() const {
    return state_->device.str();
}

void StyleSession::setContent(std::optional<Image> content) {
    state_->content = std::move(content);
    state_->contentStale = true;
}

void StyleSession::setStyles(std::vector<Image> styles) {
    state_->styles = std::move(styles);
    state_->stylesStale = true;
}

void StyleSession::setInitImage(std::optional<Image> image) {
    state_->initImage = std::move(image);
}

void StyleSession::applySettings(const StyleSettings& settings) {
    if (settings.outputSize < kMinimumOutputSize || settings.outputSize > kMaximumOutputSize) {
        throw Error("Output size must be between " + std::to_string(kMinimumOutputSize) + " and " +
                    std::to_string(kMaximumOutputSize) + " pixels");
    }
    if (!(settings.styleScale > 0.0 && settings.styleScale <= 8.0)) {
        throw Error("Style scale must be above 0 and at most 8");
    }
    for (const double weight : {settings.contentWeight, settings.styleWeight, settings.tvWeight}) {
        if (!(weight >= 0.0) || !std::isfinite(weight)) {
            throw Error("Loss weights must be finite and not negative");
        }
    }
    for (const double weight : settings.styleBlend) {
        if (!(weight >= 0.0) || !std::isfinite(weight)) {
            throw Error("Style blend weights must be finite and not negative");
        }
    }
    const ModelInfo& info = state_->model.info;
    auto orDefaults = [](const std::vector<LayerWeight>& layers,
                         const std::vector<std::string>& defaults) {
        if (!layers.empty())
            return layers;
        std::vector<LayerWeight> chosen;
        for (const std::string& name : defaults)
            chosen.push_back({name, 1.0});
        return chosen;
    };
    const auto contentLayers = orDefaults(settings.contentLayers, info.defaultContentLayers);
    const auto styleLayers = orDefaults(settings.styleLayers, info.defaultStyleLayers);
    state_->network().requireLayers(layerNames(contentLayers));
    state_->network().requireLayers(layerNames(styleLayers));

    State& s = *state_;
    const StyleSettings old = s.settings;
    const bool poolingChanged = settings.pooling != old.pooling;
    if (poolingChanged || layerNames(contentLayers) != layerNames(s.settings.contentLayers)) {
        s.contentStale = true;
    }
    if (poolingChanged || layerNames(styleLayers) != layerNames(s.settings.styleLayers) ||
        settings.styleScale != old.styleScale || settings.outputSize != old.outputSize) {
        s.stylesStale = true;
    }
    if (settings.styleBlend != old.styleBlend) {
        s.blendStale = true;
    }
    if (settings.optimizer != old.optimizer || settings.learningRate != old.learningRate) {
        s.optimizerStale = true;
    }
    // L-BFGS's curvature history describes the old objective; after any change of the loss it
    // would take wild steps, so it starts afresh (Adam's moments adapt by themselves).
    const bool lossChanged =
        settings.contentWeight != old.contentWeight || settings.styleWeight != old.styleWeight ||
        settings.tvWeight != old.tvWeight || contentLayers != s.settings.contentLayers ||
        styleLayers != s.settings.styleLayers || s.blendStale || s.contentStale || s.stylesStale;
    if (lossChanged && settings.optimizer == OptimizerKind::Lbfgs) {
        s.optimizerStale = true;
    }
    s.settings = settings;
    s.settings.contentLayers = contentLayers;
    s.settings.styleLayers = styleLayers;
}

const StyleSettings& StyleSession::settings() const {
    return state_->settings;
}

void StyleSession::throwIfCancelled() {
    if (cancelRequested_.exchange(false)) {
        throw Cancelled();
    }
}

void StyleSession::cancel() {
    cancelRequested_ = true;
}

void StyleSession::setPreparationObserver(PreparationObserver observer) {
    preparationObserver_ = std::move(observer);
}

void StyleSession::prepare() {
    State& s = *state_;
    if (!s.content && s.styles.empty()) {
        throw Error("Nothing to do: give a content image, a style image or both");
    }
    if (!s.settings.styleBlend.empty() && s.settings.styleBlend.size() != s.styles.size()) {
        throw Error("There are " + std::to_string(s.styles.size()) + " style images but " +
                    std::to_string(s.settings.styleBlend.size()) + " blend weights");
    }
    auto report = [this](const char* stage, int done, int total) {
        if (preparationObserver_)
            preparationObserver_(stage, done, total);
    };
    try {
        throwIfCancelled();
        s.updateSize();
        if (s.contentStale) {
            report("content", 0, 1);
            throwIfCancelled();
            s.computeContentTargets();
            ++s.counters.contentTargetComputations;
            s.contentStale = false;
            s.optimizerStale = true;
        }
        if (s.stylesStale) {
            const int count = static_cast<int>(s.styles.size());
            s.computeStyleGrams([&](int index) {
                report("style", index, count);
                throwIfCancelled();
            });
            ++s.counters.styleTargetComputations;
            s.stylesStale = false;
            s.blendStale = true;
            throwIfCancelled();
        }
        if (s.blendStale) {
            s.blendGrams();
            s.blendStale = false;
            s.optimizerStale = true;
        }
        if (s.imageStale) {
            s.image = s.initialImage();
            ++s.counters.starts;
            s.iteration = 0;
            s.imageStale = false;
            s.sizeChanged = false;
            s.optimizerStale = true;
        } else if (s.sizeChanged) {
            s.image = at::upsample_bicubic2d(s.image.detach(), {s.height, s.width}, false)
                          .clamp(0.0, 1.0);
            s.sizeChanged = false;
            s.optimizerStale = true;
        }
        if (s.optimizerStale) {
            s.resetOptimizer();
            ++s.counters.optimizerResets;
        }
    } catch (const c10::Error& error) {
        if (!isOutOfMemory(error))
            throw Error(std::string("Engine error: ") + error.what_without_backtrace());
        s.contentStale = s.stylesStale = s.optimizerStale = true;
        throw Error("Out of memory preparing " + std::to_string(s.width) + " x " +
                    std::to_string(s.height) + " px on " + deviceName() +
                    ": try a smaller output size or style scale");
    } catch (const std::bad_alloc&) {
        s.contentStale = s.stylesStale = s.optimizerStale = true;
        throw Error("Out of memory preparing " + std::to_string(s.width) + " x " +
                    std::to_string(s.height) + " px: try a smaller output size or style scale");
    }
}

StepReport StyleSession::step() {
    const auto start = std::chrono::steady_clock::now();
    prepare();
    State& s = *state_;
    LossBreakdown breakdown;
    try {
        breakdown = s.settings.optimizer == OptimizerKind::Lbfgs ? s.lbfgsStep() : s.adamStep();
    } catch (const c10::Error& error) {
        if (!isOutOfMemory(error))
            throw Error(std::string("Engine error: ") + error.what_without_backtrace());
        s.optimizer.reset();
        s.optimizerStale = true;
        throw Error("Out of memory at " + std::to_string(s.width) + " x " +
                    std::to_string(s.height) + " px on " + deviceName() +
                    ": try a smaller output size");
    } catch (const std::bad_alloc&) {
        s.optimizer.reset();
        s.optimizerStale = true;
        throw Error("Out of memory at " + std::to_string(s.width) + " x " +
                    std::to_string(s.height) + " px: try a smaller output size");
    }
    ++s.iteration;
    s.lastLosses = breakdown;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return {s.iteration, breakdown, elapsed.count()};
}

void StyleSession::restart() {
    state_->imageStale = true;
}

void StyleSession::setCurrentImage(const Image& image) {
    prepare();
    State& s = *state_;
    s.image = s.toDevice(resizeTo(image, s.width, s.height));
    s.optimizerStale = true;
}

Image StyleSession::currentImage() const {
    const State& s = *state_;
    if (!s.image.defined()) {
        return {};
    }
    Image result = tensorToImage(s.image.detach());
    if (s.settings.preserveColors && !s.contentAtSize.empty()) {
        result = transferLuminance(result, s.contentAtSize);
    }
    result.alpha = s.contentAtSize.alpha;
    return result;
}

int StyleSession::iteration() const {
    return state_->iteration;
}

LossBreakdown StyleSession::lastLosses() const {
    return state_->lastLosses;
}

SessionCounters StyleSession::counters() const {
    return state_->counters;
}

int StyleSession::outputWidth() const {
    return state_->width;
}

int StyleSession::outputHeight() const {
    return state_->height;
}

}  // namespace impasto

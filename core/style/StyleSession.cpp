#include "core/style/StyleSession.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include "core/image/ColorTransfer.h"
#include "core/image/Resize.h"
#include "core/model/FeatureNetwork.h"
#include "core/style/EngineErrors.h"
#include "core/style/ImageOptimizer.h"
#include "core/style/ImageTensor.h"
#include "core/style/StyleTargets.h"

namespace impasto {

namespace {

constexpr double kDefaultLbfgsRate = 1.0;
constexpr double kDefaultAdamRate = 0.02;

// Coarse-to-fine: outputs whose longest side is at most this many pixels are optimised at
// their size only, larger ones first at halved sizes down to a stage above half of it (below
// that the network sees too little of the picture). Coarse stages show a picture sooner, but
// the full-size loss is mostly fine texture that only the full size makes, so they never reach
// a given loss sooner (impasto-bench: 5% style loss at 512 px after 4.9 s with a 256 px stage
// first, 2.4 s without; 10% at 1024 px after 14.5 s with a 512 px stage, 9.6 s without): at
// 512 px, where a step takes a fraction of a second anyway, that is not worth it.
constexpr int kLargestSingleScaleSide = 512;
// A coarse stage ends when its total loss fell by less than kPlateauDecrease (relative) per
// step on average over the last kPlateauWindow steps, but not before kMinimumStageSteps (the
// optimiser's line-search warm-up and some plain steps) and at the latest after
// kMaximumStageSteps. Measured with impasto-bench --trace: the time to 5% style loss hardly
// depends on these (13.8-16.2 s for thresholds of 1-10% and caps of 15-100 steps), since the
// style at full size is mostly fine texture that only the last stage can make.
constexpr double kPlateauDecrease = 0.01;
constexpr size_t kPlateauWindow = 5;
constexpr size_t kMinimumStageSteps = 10;
constexpr size_t kMaximumStageSteps = 50;

// Images enter the engine as float RGB; anything else is a caller's mistake worth naming.
void checkImage(const Image& image, const std::string& what) {
    if (image.empty()) {
        throw Error("The " + what + " is empty");
    }
    if (image.rgb.type() != CV_32FC3 ||
        (!image.alpha.empty() &&
         (image.alpha.type() != CV_32FC1 || image.alpha.size() != image.rgb.size()))) {
        throw Error("The " + what + " is not a float RGB image (load it with loadImage)");
    }
}

std::vector<LayerWeight> orDefaults(const std::vector<LayerWeight>& layers,
                                    const std::vector<std::string>& defaults) {
    if (!layers.empty()) {
        return layers;
    }
    std::vector<LayerWeight> chosen;
    for (const std::string& name : defaults) {
        chosen.push_back({name, 1.0});
    }
    return chosen;
}

std::string pixels(int width, int height) {
    return std::to_string(width) + " x " + std::to_string(height) + " px";
}

}  // namespace

struct StyleSession::State {
    // One scale of coarse-to-fine optimisation.
    struct Extent {
        int width = 0;
        int height = 0;
        int longest() const { return std::max(width, height); }
        bool operator==(const Extent&) const = default;
    };

    LoadedModel model;
    at::Device device = at::kCPU;
    StyleSettings settings;
    // The layers the loss reads (weight above zero), worked out once per settings change.
    std::vector<std::string> activeNames;

    std::optional<Image> content;
    std::vector<Image> styles;
    std::optional<Image> initImage;
    // An image to continue from (setCurrentImage), used at the next (re)start instead.
    std::optional<Image> continueFrom;

    // Content image at the stage's size, for the initial image, colours and alpha.
    Image contentAtSize;
    StyleTargets targets;
    ImageOptimizer optimizer;

    // What is out of date; prepare() brings it up to date.
    bool contentStale = true;
    bool stylesStale = true;
    bool blendStale = true;
    bool imageStale = true;       // start (again) from the initial image
    bool optimizerStale = true;   // another optimiser or learning rate
    bool historyStale = false;    // the objective changed under L-BFGS's curvature history
    bool advancePending = false;  // the stage has levelled off: go to the next at the next step
    bool finishPending = false;   // settle() wants the final size

    // The scales to optimise at, coarsest first, the final size last; `width` x `height` is
    // stages[stage], the size of the image and of the targets.
    std::vector<Extent> stages;
    size_t stage = 0;
    int width = 0;
    int height = 0;
    int finalWidth = 0;
    int finalHeight = 0;
    int styleSide = 0;  // longest side of the style images behind the style targets
    // Total loss of each step in this stage since the objective last changed.
    std::vector<double> stageLosses;

    int iteration = 0;
    LossBreakdown lastLosses;
    SessionCounters counters;

    FeatureNetwork& network() { return *model.network; }
    const NetworkDescription& description() const { return model.network->description(); }

    std::string where() const { return "at " + pixels(width, height) + " on " + device.str(); }

    double learningRate() const {
        if (settings.learningRate > 0.0)
            return settings.learningRate;
        return settings.optimizer == OptimizerKind::Lbfgs ? kDefaultLbfgsRate : kDefaultAdamRate;
    }

    std::vector<std::string> activeLayerNames() const {
        std::set<std::string> names;
        for (const auto* layers : {&settings.contentLayers, &settings.styleLayers}) {
            for (const LayerWeight& layer : activeLayers(*layers))
                names.insert(layer.layer);
        }
        return {names.begin(), names.end()};
    }

    int minimumSide(const std::vector<std::string>& layers) const {
        int deepest = 0;
        for (const std::string& layer : layers) {
            deepest = std::max(deepest, description().indexOf(layer));
        }
        // Total variation needs two pixels a side whatever the layers.
        return std::max(2, description().minimumInputSide(deepest));
    }

    at::Tensor toDevice(const Image& picture) const { return imageToTensor(picture).to(device); }

    bool atFinalStage() const { return stage + 1 >= stages.size(); }
    bool targetsStale() const { return contentStale || stylesStale || blendStale; }

    // The style images scale with the output, so a coarse stage sees them as smaller as the
    // final size would: the style looks the same at every stage.
    int styleSideAt(const Extent& extent) const {
        const double fraction =
            static_cast<double>(extent.longest()) / std::max(finalWidth, finalHeight);
        return std::max(1, static_cast<int>(std::lround(styleImageSide(settings) * fraction)));
    }

    // The shorter side of the smallest style image scaled to `side`, and its index.
    std::pair<int, size_t> shortestStyleSide(int side) const {
        std::pair<int, size_t> shortest{std::numeric_limits<int>::max(), 0};
        for (size_t i = 0; i < styles.size(); ++i) {
            const Image& style = styles[i];
            const int shorter = static_cast<int>(
                std::lround(static_cast<double>(side) * std::min(style.width(), style.height()) /
                            std::max(style.width(), style.height())));
            shortest = std::min(shortest, {shorter, i});
        }
        return shortest;
    }

    // The final size alone, or with coarse-to-fine a pyramid of halvings below it whose
    // coarsest stage has its longest side in (kLargestSingleScaleSide / 2,
    // kLargestSingleScaleSide]. A stage too small for the layers (image or style images) is
    // left out.
    std::vector<Extent> plannedStages() const {
        std::vector<Extent> planned{{finalWidth, finalHeight}};
        if (!settings.coarseToFine) {
            return planned;
        }
        const int minimum = minimumSide(activeNames);
        const int styleMinimum = minimumSide(layerNames(activeLayers(settings.styleLayers)));
        for (int divisor = 2;
             std::max(finalWidth, finalHeight) / divisor > kLargestSingleScaleSide / 2;
             divisor *= 2) {
            const Extent coarser{static_cast<int>(std::lround(finalWidth / double(divisor))),
                                 static_cast<int>(std::lround(finalHeight / double(divisor)))};
            if (std::min(coarser.width, coarser.height) < minimum ||
                shortestStyleSide(styleSideAt(coarser)).first < styleMinimum) {
                break;
            }
            planned.insert(planned.begin(), coarser);
        }
        return planned;
    }

    // The first of `planned` at least as large as an image whose longest side is `longest`.
    static size_t stageCovering(const std::vector<Extent>& planned, int longest) {
        for (size_t i = 0; i < planned.size(); ++i) {
            if (planned[i].longest() >= longest)
                return i;
        }
        return planned.size() - 1;
    }

    // Final size: the content image's aspect at settings.outputSize, else the init image's,
    // else the first style's, else square; refused when too small for the layers. Then the
    // stages for it: a change of plan carries on at the stage as large as the current image.
    void updateStages() {
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
        const int minimum = minimumSide(activeNames);
        if (std::min(newWidth, newHeight) < minimum) {
            throw Error("The result would be " + pixels(newWidth, newHeight) +
                        ", too small for the layers chosen (they need at least " +
                        std::to_string(minimum) + " px on each side): choose a larger size");
        }
        finalWidth = newWidth;
        finalHeight = newHeight;
        const std::vector<Extent> planned = plannedStages();
        if (planned == stages) {
            return;
        }
        const bool running = !imageStale && optimizer.isReady();
        enterStage(planned, running ? stageCovering(planned, std::max(width, height)) : 0);
        advancePending = false;
    }

    // Makes planned[index] the current stage. A new size resamples the current image at once,
    // so that image and targets never disagree about it.
    void enterStage(const std::vector<Extent>& planned, size_t index) {
        const Extent next = planned[index];
        if (next.width != width || next.height != height) {
            // Resampled before the new size is recorded: if this runs out of memory, the next
            // prepare() tries again instead of mixing sizes.
            if (!imageStale && optimizer.isReady()) {
                const at::Tensor current = optimizer.image().detach();
                const bool shrinking = next.width * next.height < current.size(2) * current.size(3);
                // Antialiased when shrinking, or fine detail would alias.
                const at::Tensor resampled =
                    (shrinking
                         ? at::_upsample_bicubic2d_aa(current, {next.height, next.width}, false)
                         : at::upsample_bicubic2d(current, {next.height, next.width}, false))
                        .clamp(0.0, 1.0);
                resetOptimizer(resampled);
            }
            width = next.width;
            height = next.height;
            contentStale = true;
        }
        stages = planned;
        stage = index;
        stageLosses.clear();
    }

    // Whether the loss has levelled off at this coarse stage: its mean relative decrease over
    // the last few steps has fallen below a threshold, or the stage has had its share.
    bool stageLevelledOff() const {
        const size_t steps = stageLosses.size();
        if (steps >= kMaximumStageSteps) {
            return true;
        }
        if (steps < kMinimumStageSteps) {
            return false;
        }
        const double before = stageLosses[steps - 1 - kPlateauWindow];
        const double now = stageLosses.back();
        return before - now < kPlateauDecrease * kPlateauWindow * before;
    }

    void resetOptimizer(const at::Tensor& image) {
        optimizer.reset(image, settings.optimizer, learningRate());
        optimizerStale = false;
        stageLosses.clear();
    }

    void computeContentTargets() {
        targets.clearContent();
        contentAtSize = {};
        if (!content) {
            return;
        }
        contentAtSize = resizeTo(*content, width, height);
        const at::NoGradGuard noGrad;
        targets.setContent(network().extract(toDevice(contentAtSize),
                                             layerNames(activeLayers(settings.contentLayers)),
                                             settings.pooling));
    }

    // `beforeImage(i)` runs before style image i: the place to report progress and cancel.
    void computeStyleTargets(const std::function<void(int)>& beforeImage) {
        const int side = styleSideAt({width, height});
        const std::vector<std::string> layers = layerNames(activeLayers(settings.styleLayers));
        const int minimum = minimumSide(layers);
        const auto [shorter, index] = shortestStyleSide(side);
        if (shorter < minimum) {
            throw Error("Style image " + std::to_string(index + 1) + " would be only " +
                        std::to_string(shorter) + " px on its short side at this size and " +
                        "style scale; the layers chosen need " + std::to_string(minimum) +
                        ": raise the style scale or the output size");
        }
        std::vector<StyleTargets::Features> features;
        const at::NoGradGuard noGrad;
        for (size_t i = 0; i < styles.size(); ++i) {
            beforeImage(static_cast<int>(i));
            const Image scaled = resizeToMaxSide(styles[i], side, true);
            features.push_back(network().extract(toDevice(scaled), layers, settings.pooling));
        }
        targets.setStyles(features);
        styleSide = side;
    }

    at::Tensor initialImage() const {
        if (settings.init == InitKind::Image) {
            if (!initImage) {
                throw Error("The run starts from an image, but none was given");
            }
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

    ImageOptimizer::Objective objective() {
        return [this](const at::Tensor& image) {
            return targets.losses(image, network().extract(image, activeNames, settings.pooling),
                                  settings);
        };
    }

    // The content image at the size of the optimised image (they differ only while a failed
    // preparation is pending).
    Image contentMatching(int imageWidth, int imageHeight) const {
        if (contentAtSize.width() == imageWidth && contentAtSize.height() == imageHeight) {
            return contentAtSize;
        }
        return resizeTo(*content, imageWidth, imageHeight);
    }
};

StyleSession::StyleSession(LoadedModel model, DevicePreference device)
    : state_(std::make_unique<State>()) {
    state_->model = std::move(model);
    state_->device = at::Device(resolveDevice(device));
    try {
        state_->network().to(state_->device);
    } catch (...) {
        rethrowForUser("moving the model to " + state_->device.str());
    }
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
    if (content)
        checkImage(*content, "content image");
    state_->content = std::move(content);
    state_->contentAtSize = {};  // previews must not show the old photo's colours or alpha
    state_->contentStale = true;
    state_->historyStale = true;
}

void StyleSession::setStyles(std::vector<Image> styles) {
    for (size_t i = 0; i < styles.size(); ++i) {
        checkImage(styles[i], "style image " + std::to_string(i + 1));
    }
    state_->styles = std::move(styles);
    state_->stylesStale = true;
    state_->historyStale = true;
}

void StyleSession::setInitImage(std::optional<Image> image) {
    if (image)
        checkImage(*image, "starting image");
    state_->initImage = std::move(image);
}

void StyleSession::applySettings(const StyleSettings& settings) {
    validate(settings);
    const ModelInfo& info = state_->model.info;
    const auto contentLayers = orDefaults(settings.contentLayers, info.defaultContentLayers);
    const auto styleLayers = orDefaults(settings.styleLayers, info.defaultStyleLayers);
    state_->network().requireLayers(layerNames(contentLayers));
    state_->network().requireLayers(layerNames(styleLayers));

    State& s = *state_;
    const StyleSettings& old = s.settings;
    const bool poolingChanged = settings.pooling != old.pooling;
    // Targets exist for the layers that take part (weight above zero).
    auto active = [](const std::vector<LayerWeight>& layers) {
        return layerNames(activeLayers(layers));
    };
    if (poolingChanged || active(contentLayers) != active(old.contentLayers)) {
        s.contentStale = true;
    }
    if (poolingChanged || active(styleLayers) != active(old.styleLayers) ||
        styleImageSide(settings) != styleImageSide(old)) {
        s.stylesStale = true;
    }
    if (settings.styleBlend != old.styleBlend) {
        s.blendStale = true;
    }
    if (settings.optimizer != old.optimizer || settings.learningRate != old.learningRate) {
        s.optimizerStale = true;
    }
    if (settings.contentWeight != old.contentWeight || settings.styleWeight != old.styleWeight ||
        settings.tvWeight != old.tvWeight || contentLayers != old.contentLayers ||
        styleLayers != old.styleLayers || s.contentStale || s.stylesStale || s.blendStale) {
        s.historyStale = true;
    }
    s.settings = settings;
    s.settings.contentLayers = contentLayers;
    s.settings.styleLayers = styleLayers;
    s.activeNames = s.activeLayerNames();
}

const StyleSettings& StyleSession::settings() const {
    return state_->settings;
}

void StyleSession::setClassicLbfgs(bool classic) {
    state_->optimizer.setClassic(classic);
}

void StyleSession::setGramMethod(GramMethod method) {
    state_->targets.setGramMethod(method);
    state_->stylesStale = true;
}

void StyleSession::throwIfCancelled() {
    if (cancelRequested_.exchange(false) || (externalCancel_ && externalCancel_->load())) {
        throw Cancelled();
    }
}

void StyleSession::setCancelFlag(const std::atomic<bool>* flag) {
    externalCancel_ = flag;
}

void StyleSession::cancel() {
    cancelRequested_ = true;
}

void StyleSession::clearCancel() {
    cancelRequested_ = false;
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
    // The thread count is per thread under OpenMP: set it on the thread doing the work.
    useAllCores();
    auto report = [this](const char* stage, int done, int total) {
        if (preparationObserver_)
            preparationObserver_(stage, done, total);
    };
    try {
        throwIfCancelled();
        s.updateStages();
        if (s.imageStale) {
            // A (re)start begins at the coarsest stage, a given image at the stage its size.
            s.enterStage(s.stages,
                         s.continueFrom
                             ? State::stageCovering(s.stages, std::max(s.continueFrom->width(),
                                                                       s.continueFrom->height()))
                             : 0);
        } else if (s.finishPending) {
            s.enterStage(s.stages, s.stages.size() - 1);
        } else if (s.advancePending) {
            s.enterStage(s.stages, s.stage + 1);
        }
        s.finishPending = false;
        s.advancePending = false;
        if (s.styleSideAt({s.width, s.height}) != s.styleSide) {
            s.stylesStale = true;
        }
        if (s.contentStale) {
            report("content", 0, 1);
            throwIfCancelled();
            s.computeContentTargets();
            ++s.counters.contentTargetComputations;
            s.contentStale = false;
        }
        if (s.stylesStale) {
            const int count = static_cast<int>(s.styles.size());
            s.computeStyleTargets([&](int index) {
                report("style", index, count);
                throwIfCancelled();
            });
            ++s.counters.styleTargetComputations;
            s.stylesStale = false;
            s.blendStale = true;
            throwIfCancelled();
        }
        if (s.blendStale) {
            s.targets.blend(s.settings.styleBlend);
            s.blendStale = false;
        }
        if (s.imageStale && s.continueFrom) {
            s.resetOptimizer(s.toDevice(resizeTo(*s.continueFrom, s.width, s.height)));
            s.continueFrom.reset();
            s.imageStale = false;
        } else if (s.imageStale) {
            s.resetOptimizer(s.initialImage());
            ++s.counters.starts;
            s.iteration = 0;
            s.imageStale = false;
        } else if (s.optimizerStale) {
            s.resetOptimizer(s.optimizer.image());
        } else if (s.historyStale && s.settings.optimizer == OptimizerKind::Lbfgs) {
            // L-BFGS's curvature pairs describe the old objective and would send it astray;
            // Adam's moments adapt by themselves.
            s.optimizer.forgetHistory();
        }
        if (s.historyStale) {
            s.stageLosses.clear();  // losses of another objective say nothing about this one
        }
        s.optimizerStale = false;
        s.historyStale = false;
        s.counters.optimizerResets = s.optimizer.resets();
    } catch (...) {
        rethrowForUser("preparing " + s.where());
    }
}

StepReport StyleSession::step() {
    const auto start = std::chrono::steady_clock::now();
    prepare();
    State& s = *state_;
    LossBreakdown losses;
    try {
        losses = s.optimizer.step(s.objective(), [this] { throwIfCancelled(); });
    } catch (...) {
        s.counters.optimizerResets = s.optimizer.resets();
        rethrowForUser(s.where());
    }
    s.counters.optimizerResets = s.optimizer.resets();
    s.counters.evaluations = s.optimizer.evaluations();
    ++s.iteration;
    s.lastLosses = losses;
    if (!s.atFinalStage()) {
        s.stageLosses.push_back(losses.total);
        s.advancePending = s.stageLevelledOff();
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return {s.iteration, losses, elapsed.count()};
}

void StyleSession::restart() {
    state_->continueFrom.reset();
    state_->imageStale = true;
}

void StyleSession::setCurrentImage(const Image& image) {
    checkImage(image, "image to continue from");
    state_->continueFrom = image;
    state_->imageStale = true;
}

LossBreakdown StyleSession::settle() {
    State& s = *state_;
    // Targets out of date (settings applied since the last step) are brought up to date too:
    // the objective must not meet layers whose targets do not exist yet.
    if (s.optimizer.isReady() && (!s.atFinalStage() || s.targetsStale())) {
        s.finishPending = !s.atFinalStage();
        prepare();
    }
    try {
        s.lastLosses = s.optimizer.settle(s.objective());
        s.counters.optimizerResets = s.optimizer.resets();
        return s.lastLosses;
    } catch (...) {
        rethrowForUser(s.where());
    }
}

Image StyleSession::currentImage() const {
    const State& s = *state_;
    if (!s.optimizer.isReady()) {
        return {};
    }
    try {
        Image result = tensorToImage(s.optimizer.image().detach());
        if (s.content) {
            const Image content = s.contentMatching(result.width(), result.height());
            if (s.settings.preserveColors) {
                result = transferLuminance(result, content);
            }
            result.alpha = content.alpha;
        }
        return result;
    } catch (...) {
        rethrowForUser("reading the image " + s.where());
    }
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

int StyleSession::finalWidth() const {
    return state_->finalWidth;
}

int StyleSession::finalHeight() const {
    return state_->finalHeight;
}

bool StyleSession::atFinalScale() const {
    return state_->atFinalStage();
}

int StyleSession::scaleStage() const {
    return static_cast<int>(state_->stage);
}

int StyleSession::scaleStageCount() const {
    return std::max<int>(1, static_cast<int>(state_->stages.size()));
}

}  // namespace impasto

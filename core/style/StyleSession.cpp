#include "core/style/StyleSession.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "core/model/AvailableMemory.h"
#include "core/model/FeatureNetwork.h"
#include "core/model/ThreadPolicy.h"
#include "core/planning/ScalePlan.h"
#include "core/planning/ScaledSize.h"
#include "core/style/EngineErrors.h"
#include "core/style/ImageOptimizer.h"
#include "core/style/ImageTensor.h"
#include "core/style/IterateAverage.h"
#include "core/style/StyleGuidance.h"
#include "core/style/StyleTargets.h"
#include "core/style/TiledEvaluation.h"
#include "core/style/TilingChoice.h"

namespace impasto {

namespace {

constexpr double kDefaultLbfgsRate = 1.0;
constexpr double kDefaultAdamRate = 0.02;

// Images enter the engine as float RGB; anything else is a caller's mistake worth naming.
void checkImage(const Image& image, const std::string& what) {
    if (image.empty()) {
        throw Error("The " + what + " is empty");
    }
    if (image.rgb.size() != image.pixelCount() * 3 ||
        (image.hasAlpha() && image.alpha.size() != image.pixelCount())) {
        throw Error("The " + what + " is not a float RGB image (load it with loadImage)");
    }
}

std::string pixels(int width, int height) {
    return std::to_string(width) + " x " + std::to_string(height) + " px";
}

}  // namespace

struct StyleSession::State {
    LoadedModel model;
    at::Device device = at::kCPU;
    StyleSettings settings;
    // settings.precision as resolved on the device; nullopt before the first applySettings.
    std::optional<PrecisionChoice> precision;
    // The layers the loss reads (weight above zero), worked out once per settings change.
    std::vector<std::string> activeNames;

    std::optional<Image> content;
    std::vector<Image> styles;
    std::optional<Image> initImage;
    // Masks (setStyleMasks, setStyleSourceMasks, setKeepMask); empty lists: none.
    std::vector<std::optional<Mask>> styleMasks;
    std::vector<std::optional<Mask>> sourceMasks;
    std::optional<Mask> keepMask;
    // An image to continue from (setCurrentImage), used at the next (re)start instead.
    std::optional<Image> continueFrom;

    // Content image at the stage's size, for the initial image, colours and alpha.
    Image contentAtSize;
    StyleTargets targets;
    ImageOptimizer optimizer;
    // Of the iterates since the optimiser's last rebuild (a start, a stage, a new objective, a
    // step undone), which optimiserRebuilds records: what the preview and the result show when
    // settings.averageDecay is above 0.
    IterateAverage average;
    int optimiserRebuilds = -1;

    // What is out of date; prepare() brings it up to date.
    struct OutOfDate {
        bool content = true;        // content targets (content image, layers, stage size)
        bool styles = true;         // style targets (style images, layers, style scale, stage)
        bool blend = true;          // the blend of the style targets (weights, new targets)
        bool guidance = true;       // the masks as the loss uses them (masks, blend, stage size)
        bool image = true;          // start (again) from the initial image or setCurrentImage's
        bool optimizer = true;      // another optimiser or learning rate
        bool history = false;       // the objective changed under L-BFGS's curvature history
        bool advanceStage = false;  // the stage has levelled off: the next step goes on at the next
        bool finishStages = false;  // settle() wants the final stage

        bool targets() const { return content || styles || blend || guidance; }
    };
    OutOfDate outOfDate;

    // The scales to optimise at; `width` x `height` is plan.stages()[stage], the size of the
    // image and of the targets.
    ScalePlan plan;
    size_t stage = 0;
    int width = 0;
    int height = 0;
    int finalWidth = 0;
    int finalHeight = 0;
    int styleSide = 0;  // longest side of the style images behind the style targets
    int iterationBudget = 0;
    int stageStart = 0;  // the iteration the stage began at
    // Total loss of each step in this stage since the objective last changed.
    std::vector<double> stageLosses;

    int iteration = 0;
    LossBreakdown lastLosses;
    SessionCounters counters;
    ThreadPolicy threads;
    // The stage's loss tile by tile when it would not fit in memory whole (or settings.tile
    // asks), and why; L-BFGS's history when memory chose it.
    std::optional<TiledEvaluation> tiled;
    TilingChoice tiling;
    std::string historyNote;

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

    // Resolves `requested` and sets the network to it; targets made in another precision are
    // stale, and so is L-BFGS's curvature.
    void usePrecision(Precision requested) {
        PrecisionChoice choice = impasto::usePrecision(network(), requested);
        if (precision && precision->precision != choice.precision) {
            outOfDate.content = true;
            outOfDate.styles = true;
            outOfDate.history = true;
        }
        precision = std::move(choice);
    }

    bool atFinalStage() const { return stage + 1 >= plan.stages().size(); }

    // The image the user sees: the average of the iterates when it is on and describes the
    // optimiser's current run, else the last iterate.
    at::Tensor shownImage() const {
        if (settings.averageDecay > 0.0 && !average.empty() &&
            optimiserRebuilds == optimizer.resets()) {
            return average.value();
        }
        return optimizer.image().detach();
    }

    // After a step: the average starts again whenever the optimiser was rebuilt since the
    // last one.
    void addToAverage() {
        if (settings.averageDecay <= 0.0) {
            return;
        }
        if (optimiserRebuilds != optimizer.resets()) {
            average.restart(settings.averageDecay);
            optimiserRebuilds = optimizer.resets();
        }
        average.add(optimizer.image());
    }

    // Nothing to do, or blend weights that do not match the style images.
    void checkInputs() const {
        if (!content && styles.empty()) {
            throw Error("Nothing to do: give a content image, a style image or both");
        }
        if (!settings.styleBlend.empty() && settings.styleBlend.size() != styles.size()) {
            throw Error("There are " + std::to_string(styles.size()) + " style images but " +
                        std::to_string(settings.styleBlend.size()) + " blend weights");
        }
        for (const auto* masks : {&styleMasks, &sourceMasks}) {
            if (!masks->empty() && masks->size() != styles.size()) {
                throw Error("There are " + std::to_string(styles.size()) + " style images but " +
                            std::to_string(masks->size()) +
                            (masks == &styleMasks ? " style masks" : " style source masks") +
                            ": give one per style image (or none)");
            }
        }
        if (keepMask && !content) {
            throw Error("A keep mask keeps part of the photo, but there is no content image");
        }
    }

    // The content image's aspect at settings.outputSize, else the init image's, else the first
    // style's, else square; refused when too small for the layers.
    Extent resultSize() const {
        const Image* shape = content           ? &*content
                             : initImage       ? &*initImage
                             : !styles.empty() ? &styles.front()
                                               : nullptr;
        const auto sizeAt = [shape](int longest) {
            if (shape == nullptr) {
                return Extent{longest, longest};
            }
            const ScaledSize size = sizeForMaxSide(shape->width(), shape->height(), longest);
            return Extent{size.width, size.height};
        };
        const Extent result = sizeAt(settings.outputSize);
        const int minimum = minimumSide(activeNames);
        if (result.shortest() < minimum) {
            // The output size is the longest side: a wide picture needs more than the minimum.
            int needed = settings.outputSize;
            while (needed < kMaximumOutputSize && sizeAt(needed).shortest() < minimum) {
                ++needed;
            }
            throw Error("The result would be " + pixels(result.width, result.height) +
                        ", too small for the layers chosen (they need at least " +
                        std::to_string(minimum) + " px on each side): choose an output size of " +
                        std::to_string(needed) + " or more");
        }
        return result;
    }

    ScalePlan planFor(Extent result) const {
        std::vector<Extent> styleSizes;
        for (const Image& style : styles) {
            styleSizes.push_back({style.width(), style.height()});
        }
        return ScalePlan(
            {.finalSize = result,
             .coarseToFine = settings.coarseToFine,
             .minimumSide = minimumSide(activeNames),
             .styleSizes = std::move(styleSizes),
             .styleSideAtFinalSize = styleImageSide(settings),
             .minimumStyleSide = minimumSide(layerNames(activeLayers(settings.styleLayers))),
             .iterationBudget = iterationBudget,
             .minScale = settings.minScale,
             .initialIterations = settings.initialIterations,
             .scaleIterations = settings.scaleIterations});
    }

    // The plan for the current inputs and settings. A change of stages carries on at the stage
    // as large as the current image (before a start: at the coarsest).
    void updatePlan() {
        const Extent result = resultSize();
        finalWidth = result.width;
        finalHeight = result.height;
        ScalePlan planned = planFor(result);
        if (planned.stages() == plan.stages()) {
            plan = std::move(planned);  // the same stages, perhaps for other style images
            return;
        }
        const bool running = !outOfDate.image && optimizer.isReady();
        const size_t index = running ? planned.stageCovering(std::max(width, height)) : 0;
        // The plan is kept once the image is at its size: after running out of memory there,
        // the next prepare() tries again.
        resampleTo(planned.stages()[index]);
        plan = std::move(planned);
        enterStage(index);
        outOfDate.advanceStage = false;
    }

    // A (re)start begins at the coarsest stage (an image to continue from at the stage of its
    // size), settle() moves to the final stage, a levelled-off stage hands over to the next.
    void enterPendingStage() {
        if (outOfDate.image) {
            enterStage(continueFrom ? plan.stageCovering(
                                          std::max(continueFrom->width(), continueFrom->height()))
                                    : 0);
        } else if (outOfDate.finishStages) {
            enterStage(plan.stages().size() - 1);
        } else if (outOfDate.advanceStage) {
            enterStage(stage + 1);
        }
        outOfDate.finishStages = false;
        outOfDate.advanceStage = false;
    }

    void enterStage(size_t index) {
        resampleTo(plan.stages()[index]);
        stage = index;
        stageStart = iteration;
        stageLosses.clear();
    }

    // A new size resamples the current image at once, so that image and targets never disagree
    // about it.
    void resampleTo(Extent next) {
        if (next == Extent{width, height}) {
            return;
        }
        // Resampled before the new size is recorded: if this runs out of memory, the next
        // prepare() tries again instead of mixing sizes.
        if (!outOfDate.image && optimizer.isReady()) {
            // The next stage starts from what the user saw, the average when it is on.
            const at::Tensor current = shownImage();
            const bool shrinking = next.width * next.height < current.size(2) * current.size(3);
            // Antialiased when shrinking, or fine detail would alias.
            const at::Tensor atNextSize =
                (shrinking ? at::_upsample_bicubic2d_aa(current, {next.height, next.width}, false)
                           : at::upsample_bicubic2d(current, {next.height, next.width}, false))
                    .clamp(0.0, 1.0);
            resetOptimizer(atNextSize);
        }
        width = next.width;
        height = next.height;
        outOfDate.content = true;
    }

    // The style images scale with the stage: targets made at another stage's scale are stale.
    void markStyleTargetsIfRescaled() {
        if (plan.styleSideAt({width, height}) != styleSide) {
            outOfDate.styles = true;
        }
    }

    void resetOptimizer(const at::Tensor& image) {
        const uint64_t available = availableMemory(device);
        const LbfgsHistoryChoice byMemory = lbfgsHistoryForMemory(image.numel() / 3, available);
        const int history = settings.lbfgsHistory > 0 ? settings.lbfgsHistory : byMemory.steps;
        historyNote = byMemory.steps > 0 && settings.optimizer == OptimizerKind::Lbfgs
                          ? "L-BFGS history " + std::to_string(history) + " steps in " +
                                (byMemory.reducedPrecision ? "bfloat16" : "float32") + " (" +
                                gigabytes(static_cast<double>(available)) + " available)"
                          : "";
        optimizer.setHistorySize(history);
        optimizer.setHistoryType(byMemory.reducedPrecision ? at::kBFloat16 : at::kFloat);
        optimizer.reset(image, settings.optimizer, learningRate());
        outOfDate.optimizer = false;
        stageLosses.clear();
    }

    // The image and its optimiser: a (re)start, another optimiser or learning rate, or an
    // objective changed under the optimiser.
    void refreshOptimizer() {
        if (outOfDate.image) {
            startImage();
        } else if (outOfDate.optimizer) {
            resetOptimizer(optimizer.image());
        } else if (outOfDate.history && settings.optimizer == OptimizerKind::Lbfgs) {
            // L-BFGS's curvature pairs describe the old objective and would send it astray;
            // Adam's moments adapt by themselves.
            optimizer.forgetHistory();
        }
        if (outOfDate.history) {
            stageLosses.clear();     // losses of another objective say nothing about this one
            optimiserRebuilds = -1;  // nor do images made for it (Adam is not rebuilt)
        }
        outOfDate.optimizer = false;
        outOfDate.history = false;
        counters.optimizerResets = optimizer.resets();
    }

    // From the image to continue from if there is one, else from the initial image.
    void startImage() {
        if (continueFrom) {
            resetOptimizer(toDevice(resampled(*continueFrom, width, height)));
            continueFrom.reset();
        } else {
            resetOptimizer(initialImage());
            ++counters.starts;
            iteration = 0;
            stageStart = 0;
        }
        outOfDate.image = false;
    }

    // Tiles for an image of `imageWidth` x `imageHeight` when settings.tile and the memory
    // available call for them (core/style/TilingChoice.h); `choice` receives why.
    std::optional<TiledEvaluation> tilesFor(int imageWidth, int imageHeight, TilingChoice& choice) {
        const TiledEvaluation geometry(network(), settings.pooling, activeNames, 1);
        choice = chooseTiling(
            settings.tile, imageWidth, imageHeight,
            evaluationBytesPerPixel(description(), activeNames, network().reducedPrecision()),
            geometry.halo(), availableMemory(device));
        if (choice.tileSide == 0) {
            return std::nullopt;
        }
        return TiledEvaluation(network(), settings.pooling, activeNames, choice.tileSide);
    }

    void computeContentTargets() {
        targets.clearContent();
        contentAtSize = {};
        if (!content) {
            return;
        }
        contentAtSize = resampled(*content, width, height);
        const c10::NoGradGuard noGrad;
        if (tiled) {
            targets.setContent(tiled->features(toDevice(contentAtSize),
                                               layerNames(activeLayers(settings.contentLayers))));
            return;
        }
        targets.setContent(network().extract(toDevice(contentAtSize),
                                             layerNames(activeLayers(settings.contentLayers)),
                                             settings.pooling));
    }

    // `beforeImage(i)` runs before style image i: the place to report progress and cancel.
    void computeStyleTargets(const std::function<void(int)>& beforeImage) {
        const int side = plan.styleSideAt({width, height});
        const std::vector<std::string> layers = layerNames(activeLayers(settings.styleLayers));
        const int minimum = minimumSide(layers);
        const auto [shorter, index] = plan.shortestStyleSideAt({width, height});
        if (shorter < minimum) {
            throw Error("Style image " + std::to_string(index + 1) + " would be only " +
                        std::to_string(shorter) + " px on its short side at this size and " +
                        "style scale; the layers chosen need " + std::to_string(minimum) +
                        ": raise the style scale or the output size");
        }
        const c10::NoGradGuard noGrad;
        // Paintings scaled to a print's size are summed tile by tile too.
        TilingChoice styleTiling;
        const std::optional<TiledEvaluation> tiles = tilesFor(side, side, styleTiling);
        std::vector<StyleTargets::Features> features, grams, means;
        std::vector<GuidanceMask> sources(sourceMasks.size());
        for (size_t i = 0; i < styles.size(); ++i) {
            beforeImage(static_cast<int>(i));
            const Image scaled = resampledToLongestSide(styles[i], side);
            const GuidanceMask* source = nullptr;
            if (i < sourceMasks.size() && sourceMasks[i]) {
                sources[i] = GuidanceMask(
                    maskTensor(*sourceMasks[i], scaled.width(), scaled.height(), device));
                if (sources[i].coverage() <= 0.0) {
                    throw Error("The source mask of style image " + std::to_string(i + 1) +
                                " selects no pixel of the painting");
                }
                source = &sources[i];
            }
            if (tiles) {
                auto [gram, mean] = tiles->statistics(toDevice(scaled), layers, source);
                grams.push_back(std::move(gram));
                means.push_back(std::move(mean));
            } else {
                features.push_back(network().extract(toDevice(scaled), layers, settings.pooling));
            }
        }
        if (tiles) {
            targets.setStyleStatistics(std::move(grams), std::move(means));
            styleSide = side;
            return;
        }
        targets.setStyles(features, sources);
        styleSide = side;
    }

    at::Tensor initialImage() const {
        if (settings.init == InitKind::Image) {
            if (!initImage) {
                throw Error("The run starts from an image, but none was given");
            }
            return toDevice(resampled(*initImage, width, height));
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
            if (tiled) {
                return tiled->losses(image, targets, settings);
            }
            return targets.losses(image, network().extract(image, activeNames, settings.pooling),
                                  settings);
        };
    }

    // `pixels` as the user sees them: colours preserved if asked, the content's alpha put back.
    Image asUserImage(at::Tensor pixels) const {
        if (!content) {
            return tensorToImage(pixels);
        }
        const Image matching =
            contentMatching(static_cast<int>(pixels.size(3)), static_cast<int>(pixels.size(2)));
        if (settings.preserveColors) {
            pixels = transferLuminance(pixels, toDevice(matching));
        }
        Image result = tensorToImage(pixels);
        result.alpha = matching.alpha;
        return result;
    }

    // The content image at the size of the optimised image (they differ only while a failed
    // preparation is pending).
    Image contentMatching(int imageWidth, int imageHeight) const {
        if (contentAtSize.width() == imageWidth && contentAtSize.height() == imageHeight) {
            return contentAtSize;
        }
        return resampled(*content, imageWidth, imageHeight);
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

const PrecisionChoice& StyleSession::precision() const {
    return *state_->precision;
}

void StyleSession::setContent(std::optional<Image> content) {
    if (content)
        checkImage(*content, "content image");
    state_->content = std::move(content);
    state_->contentAtSize = {};  // previews must not show the old photo's colours or alpha
    state_->outOfDate.content = true;
    state_->outOfDate.history = true;
}

void StyleSession::setStyles(std::vector<Image> styles) {
    for (size_t i = 0; i < styles.size(); ++i) {
        checkImage(styles[i], "style image " + std::to_string(i + 1));
    }
    state_->styles = std::move(styles);
    state_->outOfDate.styles = true;
    state_->outOfDate.history = true;
}

void StyleSession::setInitImage(std::optional<Image> image) {
    if (image)
        checkImage(*image, "starting image");
    state_->initImage = std::move(image);
}

void StyleSession::setStyleMasks(std::vector<std::optional<Mask>> masks) {
    State& s = *state_;
    const auto masked = [](const std::vector<std::optional<Mask>>& list) {
        return std::any_of(list.begin(), list.end(),
                           [](const std::optional<Mask>& mask) { return mask; });
    };
    // Regions that follow one painting need its own targets, mixed from those already there.
    if (masked(masks) != masked(s.styleMasks)) {
        s.outOfDate.blend = true;
    }
    s.styleMasks = std::move(masks);
    s.outOfDate.guidance = true;
    s.outOfDate.history = true;
}

void StyleSession::setStyleSourceMasks(std::vector<std::optional<Mask>> masks) {
    state_->sourceMasks = std::move(masks);
    state_->outOfDate.styles = true;
    state_->outOfDate.history = true;
}

void StyleSession::setKeepMask(std::optional<Mask> mask) {
    state_->keepMask = std::move(mask);
    state_->outOfDate.guidance = true;
    state_->outOfDate.history = true;
}

void StyleSession::checkInputs() const {
    const State& s = *state_;
    s.checkInputs();
    const Extent size = s.resultSize();
    makeStyleGuidance(s.styleMasks, s.keepMask, s.settings.styleBlend, at::Tensor(), size.width,
                      size.height, at::kCPU);
}

void StyleSession::applySettings(const StyleSettings& settings) {
    validate(settings);
    const ModelInfo& info = state_->model.info;
    const auto contentLayers = layersOrDefaults(settings.contentLayers, info.defaultContentLayers);
    const auto styleLayers = layersOrDefaults(settings.styleLayers, info.defaultStyleLayers);
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
        s.outOfDate.content = true;
    }
    if (poolingChanged || active(styleLayers) != active(old.styleLayers) ||
        styleImageSide(settings) != styleImageSide(old)) {
        s.outOfDate.styles = true;
    }
    if (settings.styleBlend != old.styleBlend || settings.styleLoss != old.styleLoss) {
        s.outOfDate.blend = true;
    }
    if (settings.optimizer != old.optimizer || settings.learningRate != old.learningRate ||
        settings.lbfgsHistory != old.lbfgsHistory) {
        s.outOfDate.optimizer = true;
    }
    if (settings.tile != old.tile) {
        s.outOfDate.content = true;  // where tiling is decided (prepare())
    }
    if (settings.contentWeight != old.contentWeight || settings.styleWeight != old.styleWeight ||
        settings.tvWeight != old.tvWeight ||
        settings.normalizeGradients != old.normalizeGradients ||
        contentLayers != old.contentLayers || styleLayers != old.styleLayers ||
        s.outOfDate.targets()) {
        s.outOfDate.history = true;
    }
    if (settings.averageDecay != old.averageDecay) {
        s.optimiserRebuilds = -1;
    }
    if (!s.precision || settings.precision != old.precision) {
        s.usePrecision(settings.precision);
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
    state_->outOfDate.styles = true;
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
    s.checkInputs();
    // The thread count is per thread under OpenMP: set it on the thread doing the work.
    useAllCores();
    s.threads.apply(s.settings.threads);
    // Tells the observer what comes next, then stops there if cancelled.
    auto checkpoint = [this](const char* stage, int done, int total) {
        if (preparationObserver_)
            preparationObserver_(stage, done, total);
        throwIfCancelled();
    };
    try {
        throwIfCancelled();
        s.updatePlan();
        s.enterPendingStage();
        s.markStyleTargetsIfRescaled();
        if (s.outOfDate.content) {
            // Before the targets: a print-sized photo is extracted tile by tile too.
            s.tiled = s.tilesFor(s.width, s.height, s.tiling);
            checkpoint("content", 0, 1);
            s.computeContentTargets();
            ++s.counters.contentTargetComputations;
            s.outOfDate.content = false;
            s.outOfDate.guidance = true;  // the masks at the new size, the keep mask's photo
        }
        if (s.outOfDate.styles) {
            const int count = static_cast<int>(s.styles.size());
            s.computeStyleTargets([&](int index) { checkpoint("style", index, count); });
            ++s.counters.styleTargetComputations;
            s.outOfDate.styles = false;
            s.outOfDate.blend = true;
            throwIfCancelled();
        }
        if (s.outOfDate.blend) {
            const bool perImage = std::any_of(s.styleMasks.begin(), s.styleMasks.end(),
                                              [](const std::optional<Mask>& mask) { return mask; });
            s.targets.blend(s.settings.styleBlend, s.settings.styleLoss, perImage);
            s.outOfDate.blend = false;
            s.outOfDate.guidance = true;
        }
        if (s.outOfDate.guidance) {
            s.targets.setGuidance(
                makeStyleGuidance(s.styleMasks, s.keepMask, s.settings.styleBlend,
                                  s.keepMask ? s.toDevice(s.contentAtSize) : at::Tensor(), s.width,
                                  s.height, s.device));
            s.outOfDate.guidance = false;
        }
        s.refreshOptimizer();
    } catch (...) {
        rethrowForUser("preparing " + s.where());
    }
}

StepReport StyleSession::step() {
    const auto start = std::chrono::steady_clock::now();
    prepare();
    State& s = *state_;
    // Recorded before the step: a levelled-off stage hands over at the next one.
    const int stepWidth = s.width;
    const int stepHeight = s.height;
    const int stepStage = static_cast<int>(s.stage);
    const int evaluationsBefore = s.optimizer.evaluations();
    LossBreakdown losses;
    try {
        losses = s.optimizer.step(s.objective(), [this] { throwIfCancelled(); });
    } catch (...) {
        s.counters.optimizerResets = s.optimizer.resets();
        rethrowForUser(s.where());
    }
    s.counters.optimizerResets = s.optimizer.resets();
    s.counters.evaluations = s.optimizer.evaluations();
    s.counters.keptSteps = s.optimizer.keptSteps();
    s.addToAverage();
    ++s.iteration;
    s.lastLosses = losses;
    if (!s.atFinalStage()) {
        s.stageLosses.push_back(losses.total);
        s.outOfDate.advanceStage =
            s.plan.stageOver(s.stage, s.stageStart, s.iteration, s.stageLosses);
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return {.iteration = s.iteration,
            .losses = losses,
            .seconds = elapsed.count(),
            .width = stepWidth,
            .height = stepHeight,
            .stage = stepStage,
            .learningRate = s.optimizer.learningRate(),
            .threads = computeThreads(),
            .evaluations = s.optimizer.evaluations() - evaluationsBefore};
}

void StyleSession::restart() {
    state_->continueFrom.reset();
    state_->outOfDate.image = true;
}

void StyleSession::setCurrentImage(const Image& image, std::optional<int> iteration) {
    checkImage(image, "image to continue from");
    state_->continueFrom = image;
    state_->outOfDate.image = true;
    if (iteration) {
        state_->iteration = std::max(0, *iteration);
    }
}

LossBreakdown StyleSession::settle() {
    State& s = *state_;
    // A pending cancel (Ctrl+C) keeps a coarse stage where it is: the targets at the final size
    // would take long and the cancel would stop them; resultImage() is at the final size anyway.
    const bool cancelPending = cancelRequested_ || (externalCancel_ && externalCancel_->load());
    const bool toFinalStage = !s.atFinalStage() && !cancelPending;
    // Targets out of date (settings applied since the last step) are brought up to date too:
    // the objective must not meet layers whose targets do not exist yet.
    if (s.optimizer.isReady() && (toFinalStage || s.outOfDate.targets())) {
        s.outOfDate.finishStages = toFinalStage;
        prepare();
    }
    try {
        s.lastLosses = s.optimizer.settle(s.objective());
        s.counters.optimizerResets = s.optimizer.resets();
        s.counters.keptSteps = s.optimizer.keptSteps();
        return s.lastLosses;
    } catch (...) {
        rethrowForUser(s.where());
    }
}

void StyleSession::releaseOptimizerState() {
    state_->optimizer.forgetHistory();
}

Image StyleSession::currentImage() const {
    const State& s = *state_;
    if (!s.optimizer.isReady()) {
        return {};
    }
    try {
        return s.asUserImage(s.shownImage());
    } catch (...) {
        rethrowForUser("reading the image " + s.where());
    }
}

Image StyleSession::resultImage() const {
    const State& s = *state_;
    if (!s.optimizer.isReady()) {
        return {};
    }
    try {
        const at::Tensor image = s.shownImage();
        if (image.size(3) == s.finalWidth && image.size(2) == s.finalHeight) {
            return s.asUserImage(image);
        }
        return s.asUserImage(
            at::upsample_bicubic2d(image, {s.finalHeight, s.finalWidth}, false).clamp(0.0, 1.0));
    } catch (...) {
        rethrowForUser("reading the image at " + pixels(s.finalWidth, s.finalHeight));
    }
}

int StyleSession::iteration() const {
    return state_->iteration;
}

int StyleSession::threads() const {
    return state_->threads.threads();
}

const std::string& StyleSession::threadsReason() const {
    return state_->threads.reason();
}

std::string StyleSession::tiling() const {
    const State& s = *state_;
    std::string text;
    if (s.tiled) {
        const TileLayout layout = s.tiled->layoutFor(s.width, s.height);
        text = "Tiled: " + std::to_string(layout.columns().size()) + " x " +
               std::to_string(layout.rows().size()) + " tiles of " +
               std::to_string(s.tiling.tileSide) + " px (" + s.tiling.reason + ")";
    } else if (!s.tiling.reason.empty() && s.tiling.reason != kFitsUntiled) {
        text = "Untiled: " + s.tiling.reason;
    }
    if (!s.historyNote.empty()) {
        text += (text.empty() ? "" : "; ") + s.historyNote;
    }
    return text;
}

LossBreakdown StyleSession::lastLosses() const {
    return state_->lastLosses;
}

SessionCounters StyleSession::counters() const {
    return state_->counters;
}

int StyleSession::stageWidth() const {
    return state_->width;
}

int StyleSession::stageHeight() const {
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
    return std::max<int>(1, static_cast<int>(state_->plan.stages().size()));
}

void StyleSession::setIterationBudget(int iterations) {
    state_->iterationBudget = std::max(0, iterations);
}

int StyleSession::stagesLeftOutForBudget() const {
    return state_->plan.stagesLeftOutForBudget();
}

int StyleSession::plannedIterations() const {
    return state_->plan.plannedIterations();
}

int StyleSession::iterationsToFinish() const {
    return state_->plan.iterationsToFinish();
}

}  // namespace impasto

#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Error.h"
#include "core/image/Image.h"
#include "core/image/Mask.h"
#include "core/model/ComputeDevice.h"
#include "core/model/ModelLoader.h"
#include "core/model/PrecisionChoice.h"
#include "core/settings/StyleSettings.h"
#include "core/style/Cancelled.h"
#include "core/style/GramMethod.h"
#include "core/style/LossBreakdown.h"
#include "core/style/SessionCounters.h"
#include "core/style/StepReport.h"

namespace impasto {

// One style-transfer run that a caller steps one iteration at a time (the GUI from a worker
// thread, the CLI in a loop). Inputs and settings may change between steps: the session works
// out what depends on the change and recomputes only that (new weights: nothing; a new layer or
// style image: those targets; a new size: targets and a resampled image) and carries on from
// the current image. Not thread-safe except cancel(), which any thread may call.
//
// Coarse-to-fine (settings.coarseToFine, on by default): an output whose longest side is above
// 512 px is first optimised at halved sizes, from a stage of 257-512 px up, each stage with
// its own content and style targets (the style images scaled with it, so that the style looks
// the same at every stage). A stage ends when its loss levels off (or after at most 50 steps);
// the next step upsamples the image and carries on at twice the size. No total iteration count
// is needed. settings.minScale, initialIterations and scaleIterations set the stages by hand
// (core/planning/ScalePlan.h). While a coarse stage runs, stageWidth()/stageHeight() and
// currentImage() are at that stage's size; finalWidth()/finalHeight() give the size of the result.
// settle() moves to the final size first, so an image exported after settle() is always full size.
//
// Averaging (settings.averageDecay above 0): currentImage() and resultImage() are the moving
// average of the iterates since the optimiser last started over (a start, a stage, a change of
// objective, a step undone), and the next stage starts from it.
class StyleSession {
public:
    explicit StyleSession(LoadedModel model, DevicePreference device = DevicePreference::Auto);
    ~StyleSession();
    StyleSession(const StyleSession&) = delete;
    StyleSession& operator=(const StyleSession&) = delete;

    const ModelInfo& model() const;
    std::string deviceName() const;
    // The precision the convolutions run in and why: settings.precision resolved on this device
    // (Auto measures once per machine, see core/model/PrecisionChoice.h). The session sets it on
    // its network, so sessions sharing one network share it too.
    const PrecisionChoice& precision() const;

    // No content image: texture synthesis. No style image: feature inversion.
    void setContent(std::optional<Image> content);
    void setStyles(std::vector<Image> styles);
    // The starting image for InitKind::Image.
    void setInitImage(std::optional<Image> image);
    // Where each painting applies (Gatys et al. 2017's guided Gram matrices, see
    // core/style/StyleGuidance.h): one mask per style image, in the same order, white = here,
    // nullopt = everywhere; an empty list = no masks. Masks of any size are resized to each
    // stage. Takes effect at the next step without recomputing any target: the image, the
    // optimiser and the iteration count go on. prepare() throws when the count does not match
    // the style images or the masks leave no pixel for any painting.
    void setStyleMasks(std::vector<std::optional<Mask>> masks);
    // The region of each painting its style is taken from ("only the sky"), one per style image
    // or none; recomputes the style targets.
    void setStyleSourceMasks(std::vector<std::optional<Mask>> masks);
    // Where the result stays the photo (white = keep, soft edges blend): no style there, and a
    // pixel term holds the photo. Needs a content image. Recomputes no target.
    void setKeepMask(std::optional<Mask> mask);
    // Throws impasto::Error for inputs no run can use, as prepare() would, without computing
    // any target: nothing to do, blend weights or masks that do not match the style images,
    // masks that leave no pixel for any painting, an output too small for the layers.
    void checkInputs() const;
    // Validates (throws impasto::Error, leaving the session as it was) and takes effect at the
    // next step. The starting image (init, seed, setInitImage) matters only at a (re)start. A
    // new precision is chosen here (the first Auto on a CPU may measure for a fraction of a
    // second) and recomputes the targets in it.
    void applySettings(const StyleSettings& settings);
    const StyleSettings& settings() const;
    // The L-BFGS set-up the engine had before the speed work, for comparisons (impasto-bench's
    // baseline): a line search in the first five iterations after every start, stage change and
    // change of objective, and 30 remembered steps. Off by default: L-BFGS then searches in the
    // first iteration only (and after a step made the loss much worse) and remembers 10 steps,
    // which at 512 px reaches the same loss with fewer evaluations and cheaper iterations (see
    // ImageOptimizer).
    void setClassicLbfgs(bool classic);
    // How Gram matrices are computed (GramMethod::Symmetric by default; Plain for
    // impasto-bench's baseline). The style targets are recomputed at the next step.
    void setGramMethod(GramMethod method);

    // Brings every out-of-date target up to date; step() does this itself. Checks for cancel
    // between images.
    void prepare();
    StepReport step();
    // Starts again from the initial image (content, noise or the init image).
    void restart();
    // Continues from `image` (a snapshot), resampled to the output size, at the next step. With
    // `iteration` (a snapshot of an earlier point, a run restored after a crash) the count goes
    // on from there; without, it goes on from where it is.
    void setCurrentImage(const Image& image, std::optional<int> iteration = std::nullopt);
    // Evaluates the current image without a step and goes back to the best image of the run if
    // the last step made it much worse or not finite: call before exporting, since a step's
    // result is otherwise only checked by the next step. At a coarse stage it first moves to the
    // final size (upsampling the image and computing the targets there), so currentImage() is
    // then full size; later steps refine at that size. With a cancel pending it stays at the
    // stage it is at (judging the image there), so that a cancelled run can still be written.
    LossBreakdown settle();
    // Frees what the optimiser remembers (L-BFGS's steps, Adam's moments), keeping the image:
    // before a print-size result is written, whose copies would otherwise come on top of it. A
    // later step starts the optimiser afresh from the image.
    void releaseOptimizerState();

    // The image as it stands: clamped, colours preserved if asked, content alpha put back.
    Image currentImage() const;
    // currentImage() at the final size, upsampled from a coarse stage without computing anything
    // else: what a run that stopped early (cancelled, out of memory at the full size) writes.
    Image resultImage() const;
    int iteration() const;
    // LibTorch's CPU threads for this session's work and why ("set", "auto: other programs keep
    // 1.0 of 2 cores busy"): settings.threads, or all cores but those other programs keep busy
    // (core/model/ThreadPolicy.h), as decided at the last prepare() or step().
    int threads() const;
    const std::string& threadsReason() const;
    // How the current stage's loss is evaluated (after prepare()): empty for a whole image that
    // fits, else "4 x 3 tiles of 1024 px (why)" or why not, plus L-BFGS's history when the
    // memory available chose it (core/style/TilingChoice.h).
    std::string tiling() const;
    LossBreakdown lastLosses() const;
    SessionCounters counters() const;
    // Size in pixels of the image being optimised, once known (after prepare()): the current
    // coarse-to-fine stage's, below the final size while a coarse stage runs (frames are then
    // smaller; scale them for display).
    int stageWidth() const;
    int stageHeight() const;
    // Size of the result once known (after prepare()): settings.outputSize on the longest side.
    int finalWidth() const;
    int finalHeight() const;
    // Whether the image is at the final size (always, without coarse-to-fine).
    bool atFinalScale() const;
    // Which coarse-to-fine stage runs (0 = coarsest) of how many (1 without coarse stages).
    int scaleStage() const;
    int scaleStageCount() const;
    // How many iterations the run will have (0, the default: open-ended). Coarse-to-fine fits
    // its stages into them so that the full size gets a real share (see ScalePlan); takes
    // effect at the next step.
    void setIterationBudget(int iterations);
    // Coarse stages left out because the iteration budget has no room for them (after prepare()).
    int stagesLeftOutForBudget() const;
    // With iterations given per stage (settings.initialIterations, scaleIterations): their sum
    // over the stages, the run's natural length (after prepare()); else 0.
    int plannedIterations() const;
    // ScalePlan::iterationsToFinish() for the current plan (after prepare()).
    int iterationsToFinish() const;

    // Interrupts prepare() or step() at their next checkpoint (between images, between
    // line-search evaluations), which then throws Cancelled and undoes the unfinished step.
    // Safe from any thread. A request that finds nothing running stays pending and stops the
    // next prepare() or step() at once; clearCancel() drops it before starting new work.
    void cancel();
    void clearCancel();
    // Also cancels while *flag is true (not cleared by the session): for a flag that outlives
    // the session, such as one a signal handler sets. nullptr stops watching.
    void setCancelFlag(const std::atomic<bool>* flag);

    // Told what prepare() is about to compute, for a progress display: ("content", 0, 1),
    // then ("style", i, n) before style image i of n. Called on the thread that prepares.
    using PreparationObserver = std::function<void(const std::string& stage, int done, int total)>;
    void setPreparationObserver(PreparationObserver observer);

private:
    PreparationObserver preparationObserver_;
    struct State;
    std::unique_ptr<State> state_;
    std::atomic<bool> cancelRequested_{false};
    const std::atomic<bool>* externalCancel_ = nullptr;
    void throwIfCancelled();
};

}  // namespace impasto

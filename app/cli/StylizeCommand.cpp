#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include <QString>

#include "app/cli/Commands.h"
#include "app/cli/OutputChecks.h"
#include "app/cli/StylizeRun.h"
#include "core/common/Error.h"
#include "core/common/Text.h"
#include "core/fast/FastStyleApply.h"
#include "core/fast/FastStyleFile.h"
#include "core/image/ImageExport.h"
#include "core/image/ImageLoader.h"
#include "core/image/MaskFile.h"
#include "core/image/StrengthBlend.h"
#include "core/model/ModelLoader.h"
#include "core/model/TensorMemoryLimit.h"
#include "core/planning/ScalePlan.h"
#include "core/registry/ModelChoice.h"
#include "core/settings/SettingNames.h"
#include "core/settings/SettingsJson.h"
#include "core/style/RunReport.h"
#include "core/style/StyleSession.h"

namespace impasto::cli {

namespace {

// Ctrl+C stops the run after the current iteration, or interrupts its preparation or a line
// search, and the result so far is still written; a second Ctrl+C ends the program at once.
// SIGTERM (a shutdown, `kill`) and SIGHUP (a closed terminal) do the same. The handler only sets
// these flags, which outlive every session that watches them.
std::atomic<bool> interrupted{false};
std::atomic<int> stopSignal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

void onStopSignal(int signal) {
    int none = 0;
    if (!stopSignal.compare_exchange_strong(none, signal)) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    interrupted = true;
}

// The exit status of a program ended by the stop signal that came, as a shell reports it.
int interruptedExitCode() {
    return 128 + stopSignal;
}

}  // namespace

// Installs the stop signals' handler for as long as it lives.
class InterruptGuard {
public:
    InterruptGuard() {
        interrupted = false;
        stopSignal = 0;
        for (size_t i = 0; i < std::size(kStopSignals); ++i) {
            previous_[i] = std::signal(kStopSignals[i], onStopSignal);
        }
    }
    ~InterruptGuard() {
        for (size_t i = 0; i < std::size(kStopSignals); ++i) {
            std::signal(kStopSignals[i], previous_[i]);
        }
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    void (*previous_[std::size(kStopSignals)])(int) = {};
};

std::shared_ptr<InterruptGuard> watchStopSignals() {
    return std::make_shared<InterruptGuard>();
}

bool stopRequested() {
    return interrupted;
}

int stopSignalExitCode() {
    return interruptedExitCode();
}

namespace {

Image loadInput(const std::string& file, int maxSide) {
    ImageLoadOptions options;
    options.maxSide = maxSide;
    return loadImage(file, options).image;
}

std::vector<std::optional<Mask>> loadMasks(const std::vector<std::optional<std::string>>& files) {
    std::vector<std::optional<Mask>> masks;
    for (const std::optional<std::string>& file : files) {
        masks.push_back(file ? std::optional(loadMask(*file)) : std::nullopt);
    }
    return masks;
}

// The result as it is written: over the photo at the settings' strength (core/image/
// StrengthBlend.h), as the desktop app's Strength slider shows it.
Image atStrength(const Image& result, const StyleSession& session,
                 const std::optional<Image>& photo) {
    const double strength = session.settings().strength;
    return photo && strength < 1.0 ? blendStrength(*photo, result, strength) : result;
}

std::filesystem::path intermediateFile(const std::filesystem::path& output, int iteration) {
    std::filesystem::path file = output;
    file.replace_filename(output.stem().string() + "_" + std::to_string(iteration) +
                          output.extension().string());
    return file;
}

// The settings go with the files and iteration count (RunInputs), so that the image is a recipe.
// The masks go too, in every format (ImageExportOptions::masks).
ImageExportOptions resultExportOptions(const StyleSession& session, const MaskSet& masks,
                                       const std::string& modelName, RunInputs inputs,
                                       int bitDepth) {
    ImageExportOptions exported;
    exported.bitDepth = bitDepth;
    exported.masks = masks;
    inputs.iterations = session.iteration();
    exported.settings = recipeToJson(session.settings(), inputs);
    exported.pngText["Software"] = "Impasto";
    // File names need not be UTF-8; the text chunk must be, and must never fail the export.
    exported.pngText["impasto:model"] = QString::fromStdString(modelName).toStdString();
    exported.pngText["impasto:iterations"] = std::to_string(session.iteration());
    return exported;
}

// Writes the current image once checked: the last step's result has not been evaluated yet.
// settle() also moves a coarse-to-fine run to the full size, so an intermediate image taken
// during a coarse stage is written unchecked at that stage's size instead. After Ctrl+C a
// coarse stage stays where it is (settle() does not prepare the full size) and is upsampled.
// The final write frees the optimiser's state first: at print sizes it is gigabytes.
void writeResult(StyleSession& session, const MaskSet& masks, const std::optional<Image>& photo,
                 const std::string& modelName, const RunInputs& inputs,
                 const std::filesystem::path& file, int bitDepth, bool intermediate = false) {
    if (!intermediate || session.atFinalScale()) {
        session.settle();
    }
    if (!intermediate) {
        session.releaseOptimizerState();  // the run ends here: room for the result's copies
    }
    if (!intermediate && !session.atFinalScale()) {
        std::fprintf(stderr,
                     "Stopped in coarse-to-fine stage %d/%d: %d x %d upsampled to %d x %d\n",
                     session.scaleStage() + 1, session.scaleStageCount(), session.stageWidth(),
                     session.stageHeight(), session.finalWidth(), session.finalHeight());
    }
    exportImage(
        file,
        atStrength(intermediate ? session.currentImage() : session.resultImage(), session, photo),
        resultExportOptions(session, masks, modelName, inputs, bitDepth));
}

// After a failure (out of memory at the full size, a run that diverged) keeps what there is: the
// image as it stands, upsampled to the output size, unsettled, since settling needs the memory
// that ran out. Whether it was written; a failure to write it is reported.
bool writePartialResult(const StyleSession& session, const MaskSet& masks,
                        const std::optional<Image>& photo, const std::string& modelName,
                        const RunInputs& inputs, const std::filesystem::path& file, int bitDepth) {
    try {
        exportImage(file, atStrength(session.resultImage(), session, photo),
                    resultExportOptions(session, masks, modelName, inputs, bitDepth));
        std::fprintf(stderr,
                     "Wrote a partial result to %s: the image as it stood after %d iterations, "
                     "at the output size\n",
                     file.c_str(), session.iteration());
        return true;
    } catch (const Error& error) {
        std::fprintf(stderr, "Could not write a partial result: %s\n", error.what());
        return false;
    }
}

// Coarse-to-fine needs room in the iteration budget for a coarse stage and a real full-size
// stage (ScalePlan); say when it has none, or when even the full size gets too few.
void reportBudgetShortfall(const StyleSession& session, int iterations) {
    const int leftOut = session.stagesLeftOutForBudget();
    const int kept = session.scaleStageCount() - 1;
    if (leftOut == 0) {
        return;
    }
    if (kept == 0) {
        std::fprintf(stderr,
                     "Coarse-to-fine left out: %d iterations are too few for a coarse stage (%zu) "
                     "and the full size (at least %d, and half); all run at %d x %d\n",
                     iterations, ScalePlan::kMinimumStageSteps, ScalePlan::kMinimumFinalStageSteps,
                     session.finalWidth(), session.finalHeight());
    } else {
        std::fprintf(stderr,
                     "Coarse-to-fine: %d iterations have room for %d of %d coarse stages (%zu "
                     "each; the full size gets at least half)\n",
                     iterations, kept, kept + leftOut, ScalePlan::kMinimumStageSteps);
    }
    if (iterations < ScalePlan::kMinimumFinalStageSteps) {
        std::fprintf(stderr,
                     "Warning: %d iterations are too few for a %d x %d picture to form; give "
                     "--iterations %d or more\n",
                     iterations, session.finalWidth(), session.finalHeight(),
                     ScalePlan::kMinimumFinalStageSteps);
    }
}

// An iteration this slow is reported even between --print-every's.
constexpr double kSlowIterationSeconds = 5.0;

// "  ETA 12 min 5 s"
std::string timeLeftText(double seconds) {
    return "  ETA " + timeText(seconds);
}

// "2 CPU threads (auto: other programs keep 0.0 of 2 cores busy)"
std::string threadsText(const StyleSession& session) {
    const int threads = session.threads();
    return std::to_string(threads) + (threads == 1 ? " CPU thread (" : " CPU threads (") +
           session.threadsReason() + ")";
}

// A run whose every step was undone would write its starting image as if it were a result.
void requireMovement(StyleSession& session, double learningRate) {
    if (session.iteration() == 0) {
        return;
    }
    session.settle();  // judges the last step
    if (session.counters().keptSteps == 0) {
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.4g", learningRate);
        throw Error("The image never changed in " + std::to_string(session.iteration()) +
                    " iterations: every step made the loss more than twice the best and was "
                    "undone, even at a learning rate of " +
                    rate + "; lower --learning-rate (or the weights)");
    }
}

}  // namespace

StylizeRun::StylizeRun(const CliOptions& options)
    : choice_(chooseModelOrFile(options.model)), session_(loadModel(choice_), options.device) {
    // Inputs are decoded at no more than the size they are used at, to spare memory.
    std::vector<Image> styles;
    for (const std::string& file : options.styleFiles) {
        styles.push_back(loadInput(file, styleImageSide(options.settings)));
    }
    session_.setStyles(std::move(styles));
    // Those no flag gave come from the preset image (CliOptions::storedMasks).
    masks_ = options.storedMasks;
    if (!options.styleMaskFiles.empty()) {
        masks_.paintings = loadMasks(options.styleMaskFiles);
    }
    if (!options.styleSourceMaskFiles.empty()) {
        masks_.sources = loadMasks(options.styleSourceMaskFiles);
    }
    if (options.keepMaskFile) {
        masks_.keep = loadMask(*options.keepMaskFile);
    }
    session_.setStyleMasks(masks_.paintings);
    session_.setStyleSourceMasks(masks_.sources);
    session_.setKeepMask(masks_.keep);
    if (options.initFile && !options.initIsFastStyle) {
        session_.setInitImage(loadInput(*options.initFile, options.settings.outputSize));
    }
    interruptGuard_ = std::make_unique<InterruptGuard>();
    session_.setCancelFlag(&interrupted);
}

StylizeRun::~StylizeRun() = default;

bool StylizeRun::wasInterrupted() const {
    return interrupted;
}

int StylizeRun::stopExitCode() const {
    return interruptedExitCode();
}

int StylizeRun::stylize(const CliOptions& options) {
    StyleSession& session = session_;
    const ModelChoice& choice = choice_;
    const StyleSettings& settings = options.settings;
    const std::optional<Image> photo =
        options.contentFile ? std::optional(loadInput(*options.contentFile, settings.outputSize))
                            : std::nullopt;
    session.setContent(photo);
    if (options.initIsFastStyle && photo) {
        // The fast style's result on this photo, as the app's "start from the fast style".
        session.setInitImage(applyFastStyle(*readFastStyle(*options.initFile).network, *photo,
                                            fastApplyOptions(settings)));
    }
    session.restart();
    wroteResult_ = false;
    // Texture synthesis starts from noise; so does feature inversion (no style), unless told
    // otherwise, or it would start at its answer, and at a layer that still holds the photo.
    const bool inversion = options.contentFile && options.styleFiles.empty();
    StyleSettings effective = settings;
    if (effective.init == InitKind::Content &&
        (!options.contentFile || (inversion && !options.initChosen))) {
        effective.init = InitKind::Noise;
    }
    if (inversion && effective.contentLayers.empty()) {
        for (const std::string& layer : session.model().inversionContentLayers) {
            effective.contentLayers.push_back({layer, 1.0});
        }
    }
    session.applySettings(effective);
    session.setIterationBudget(options.iterations);
    session.checkInputs();  // a mistake in the masks gets its one line before the run's

    // A partial file lacks some recommended layers: say which, where the defaults are used.
    ModelInfo defaultsUsed = session.model();
    if (!settings.contentLayers.empty() || inversion)
        defaultsUsed.leftOutContentLayers.clear();
    if (!settings.styleLayers.empty())
        defaultsUsed.leftOutStyleLayers.clear();
    if (const std::string note = describeLeftOutDefaults(defaultsUsed); !note.empty()) {
        std::fprintf(stderr, "%s\n", note.c_str());
    }
    const PrecisionChoice& precision = session.precision();
    std::fprintf(stderr, "Model %s (%s) on %s in %s (%s)\n", choice.displayName.c_str(),
                 session.model().title.c_str(), session.deviceName().c_str(),
                 toString(precision.precision).c_str(), precision.reason.c_str());
    if (inversion) {
        const StyleSettings& used = session.settings();
        std::fprintf(stderr,
                     "Feature inversion: from %s, content layer %s (the photo as the network "
                     "keeps it there; --init and --content-layers choose others)\n",
                     toString(used.init).c_str(),
                     join(layerNames(used.contentLayers), ", ").c_str());
    }
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    // Tiling is decided as a stage's targets are about to be computed: said before they take
    // their time (L-BFGS's history, chosen as the optimiser starts, shows after a step).
    std::string tilingShown;
    auto announceTiling = [&] {
        if (const std::string tiling = session.tiling(); tiling != tilingShown) {
            tilingShown = tiling;
            if (!tiling.empty()) {
                std::fprintf(stderr, "%s\n", tiling.c_str());
            }
        }
    };
    session.setPreparationObserver([&](const std::string& stage, int, int) {
        if (stage == "content") {
            announceTiling();
        }
    });
    try {
        session.prepare();
    } catch (const Cancelled&) {
        std::fprintf(stderr, "Interrupted before the first iteration: nothing written\n");
        return interruptedExitCode();
    }
    std::fprintf(stderr, "Prepared %d x %d in %.1f s on %s\n", session.finalWidth(),
                 session.finalHeight(), elapsed(), threadsText(session).c_str());
    if (!session.atFinalScale()) {
        std::fprintf(stderr, "Coarse-to-fine: stage 1/%d at %d x %d\n", session.scaleStageCount(),
                     session.stageWidth(), session.stageHeight());
    }
    const int iterations = options.iterationsFromStages && session.plannedIterations() > 0
                               ? session.plannedIterations()
                               : options.iterations;
    reportBudgetShortfall(session, iterations);
    int stage = session.scaleStage();
    int threads = computeThreads();
    double learningRate = 0.0;
    RunReport report(choice.displayName, session.deviceName(), session.settings());
    const RunInputs inputs{
        .content = options.contentFile,
        .styles = options.styleFiles,
        .iterations = {},
        .initImage = effective.init == InitKind::Image ? options.initFile : std::nullopt,
        .initIsFastStyle = options.initIsFastStyle};
    while (session.iteration() < iterations && !interrupted) {
        StepReport step;
        try {
            step = session.step();
        } catch (const Cancelled&) {
            break;  // Ctrl+C inside a step: it was undone
        } catch (const Error& error) {
            // Out of memory or a diverging run after many good iterations: keep what there is,
            // and say that the run failed with an exit status of its own.
            if (session.iteration() == 0 ||
                !writePartialResult(session, masks_, photo, choice.displayName, inputs,
                                    options.outputFile, options.bitDepth)) {
                throw;
            }
            std::fprintf(stderr, "impasto-cli: error: %s\n", error.what());
            wroteResult_ = true;
            return kPartialResultExitCode;
        }
        report.record(step, elapsed());
        if (learningRate > 0.0 && step.learningRate < learningRate) {
            std::fprintf(stderr,
                         "Learning rate halved to %.4g: steps made the loss more than twice the "
                         "best and were undone\n",
                         step.learningRate);
        }
        learningRate = step.learningRate;
        if (step.threads != threads) {
            threads = step.threads;
            std::fprintf(stderr, "Now on %s\n", threadsText(session).c_str());
        }
        if (step.stage != stage) {
            stage = step.stage;
            std::fprintf(stderr, "Stage %d/%d at %d x %d\n", stage + 1, session.scaleStageCount(),
                         step.width, step.height);
        }
        announceTiling();
        const bool last = step.iteration == iterations;
        // Slow iterations (print sizes) are each reported, with the time left at their pace.
        const bool slow = step.seconds >= kSlowIterationSeconds;
        if (options.printEvery > 0 && (step.iteration % options.printEvery == 0 || last || slow)) {
            std::fprintf(
                stderr,
                "%sIteration %d/%d  content %.4g  style %.4g  tv %.4g  total %.4g  "
                "%.2f s/it%s\n",
                progressLabel_.c_str(), step.iteration, iterations, step.losses.content,
                step.losses.style, step.losses.totalVariation, step.losses.total, step.seconds,
                slow && !last ? timeLeftText(step.seconds * (iterations - step.iteration)).c_str()
                              : "");
        }
        if (options.saveEvery > 0 && step.iteration % options.saveEvery == 0 && !last) {
            writeResult(session, masks_, photo, choice.displayName, inputs,
                        intermediateFile(options.outputFile, step.iteration), options.bitDepth,
                        true);
        }
    }
    if (!interrupted) {
        requireMovement(session, learningRate);
    }
    writeResult(session, masks_, photo, choice.displayName, inputs, options.outputFile,
                options.bitDepth);
    wroteResult_ = true;
    if (options.reportFile) {
        report.save(*options.reportFile);
    }
    std::fprintf(stderr, "%s %s after %d iterations in %.1f s\n",
                 interrupted ? "Interrupted: wrote" : "Wrote", options.outputFile.c_str(),
                 session.iteration(), elapsed());
    return interrupted ? interruptedExitCode() : 0;
}

std::string timeText(double seconds) {
    const long long whole = std::llround(seconds);
    if (whole >= 3600) {
        return std::to_string(whole / 3600) + " h " + std::to_string(whole / 60 % 60) + " min";
    }
    return (whole >= 60 ? std::to_string(whole / 60) + " min " : std::string()) +
           std::to_string(whole % 60) + " s";
}

int runStylize(const CliOptions& options) {
    if (options.outputDir || options.contentFiles.size() > 1) {
        return runBatch(options);
    }
    // Fail now rather than after the whole run when the result could not be written.
    checkOutputs(options);
    limitTensorMemory(options.memoryLimit);
    StylizeRun run(options);
    return run.stylize(options);
}

}  // namespace impasto::cli

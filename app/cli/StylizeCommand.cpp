#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <QString>

#include "app/cli/Commands.h"
#include "core/common/Error.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/model/ModelLoader.h"
#include "core/registry/ModelChoice.h"
#include "core/style/RunReport.h"
#include "core/style/StyleSession.h"

namespace impasto::cli {

namespace {

// Ctrl+C stops the run after the current iteration, or interrupts its preparation or a line
// search, and the result so far is still written; a second Ctrl+C ends the program at once.
// The handler only sets this flag, which outlives every session that watches it.
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void onInterrupt(int) {
    if (interrupted.exchange(true)) {
        std::signal(SIGINT, SIG_DFL);
        std::raise(SIGINT);
    }
}

// Installs the Ctrl+C handler for as long as it lives.
class InterruptGuard {
public:
    InterruptGuard() {
        interrupted = false;
        previous_ = std::signal(SIGINT, onInterrupt);
    }
    ~InterruptGuard() { std::signal(SIGINT, previous_); }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    void (*previous_)(int) = SIG_DFL;
};

Image loadInput(const std::string& file, int maxSide) {
    ImageLoadOptions options;
    options.maxSide = maxSide;
    return loadImage(file, options).image;
}

// A file given by path needs no registry; anything else is looked up in it.
ModelChoice chooseModelFor(const std::string& argument) {
    if (std::filesystem::is_regular_file(argument)) {
        return choiceForFile(argument);
    }
    return chooseModel(ModelRegistry::loadBuiltIn(), argument);
}

std::filesystem::path intermediateFile(const std::filesystem::path& output, int iteration) {
    std::filesystem::path file = output;
    file.replace_filename(output.stem().string() + "_" + std::to_string(iteration) + ".png");
    return file;
}

// Writes the current image once checked: the last step's result has not been evaluated yet.
// settle() also moves a coarse-to-fine run to the full size, so an intermediate image taken
// during a coarse stage is written unchecked at that stage's size instead.
void writeResult(StyleSession& session, const std::string& modelName,
                 const std::filesystem::path& file, int bitDepth, bool intermediate = false) {
    if (!intermediate || session.atFinalScale()) {
        session.settle();
    }
    PngExportOptions png;
    png.bitDepth = bitDepth;
    png.text["Software"] = "Impasto";
    png.text["impasto:settings"] = toJson(session.settings());
    // File names need not be UTF-8; the text chunk must be, and must never fail the export.
    png.text["impasto:model"] = QString::fromStdString(modelName).toStdString();
    png.text["impasto:iterations"] = std::to_string(session.iteration());
    exportPng(file, session.currentImage(), png);
}

void requireFolder(const std::string& file) {
    const auto folder = std::filesystem::absolute(file).parent_path();
    if (!std::filesystem::is_directory(folder)) {
        throw Error("Cannot write " + file + ": the folder " + folder.string() + " does not exist");
    }
}

}  // namespace

int runStylize(const CliOptions& options) {
    // Fail now rather than after the whole run when the result could not be written.
    requireFolder(options.outputFile);
    if (options.reportFile) {
        requireFolder(*options.reportFile);
    }
    const ModelChoice choice = chooseModelFor(options.model);
    StyleSession session(loadModel(choice), options.device);

    const StyleSettings& settings = options.settings;
    // Inputs are decoded at no more than the size they are used at, to spare memory.
    if (options.contentFile) {
        session.setContent(loadInput(*options.contentFile, settings.outputSize));
    }
    std::vector<Image> styles;
    for (const std::string& file : options.styleFiles) {
        styles.push_back(loadInput(file, styleImageSide(settings)));
    }
    session.setStyles(std::move(styles));
    if (options.initFile) {
        session.setInitImage(loadInput(*options.initFile, settings.outputSize));
    }
    StyleSettings effective = settings;
    if (!options.contentFile && effective.init == InitKind::Content) {
        effective.init = InitKind::Noise;  // texture synthesis starts from noise
    }
    session.applySettings(effective);

    std::fprintf(stderr, "Model %s (%s) on %s\n", choice.displayName.c_str(),
                 session.model().title.c_str(), session.deviceName().c_str());
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const InterruptGuard interruptGuard;
    session.setCancelFlag(&interrupted);
    try {
        session.prepare();
    } catch (const Cancelled&) {
        std::fprintf(stderr, "Interrupted before the first iteration: nothing written\n");
        return 130;
    }
    std::fprintf(stderr, "Prepared %d x %d in %.1f s (%d CPU threads)\n", session.finalWidth(),
                 session.finalHeight(), elapsed(), computeThreads());
    if (!session.atFinalScale()) {
        std::fprintf(stderr, "Coarse-to-fine: starting at %d x %d\n", session.stageWidth(),
                     session.stageHeight());
    }
    RunReport report(choice.displayName, session.deviceName(), session.settings());
    while (session.iteration() < options.iterations && !interrupted) {
        StepReport step;
        try {
            step = session.step();
        } catch (const Cancelled&) {
            break;  // Ctrl+C inside a step: it was undone
        } catch (const Error&) {
            // Out of memory or a diverging run after many good iterations: keep what there is.
            if (session.iteration() > 0) {
                writeResult(session, choice.displayName, options.outputFile, options.bitDepth);
            }
            throw;
        }
        report.record(step, elapsed());
        const bool last = step.iteration == options.iterations;
        if (options.printEvery > 0 && (step.iteration % options.printEvery == 0 || last)) {
            std::fprintf(stderr,
                         "Iteration %d/%d  content %.4g  style %.4g  tv %.4g  total %.4g  "
                         "%.2f s/it\n",
                         step.iteration, options.iterations, step.losses.content, step.losses.style,
                         step.losses.totalVariation, step.losses.total, step.seconds);
        }
        if (options.saveEvery > 0 && step.iteration % options.saveEvery == 0 && !last) {
            writeResult(session, choice.displayName,
                        intermediateFile(options.outputFile, step.iteration), options.bitDepth,
                        true);
        }
    }
    writeResult(session, choice.displayName, options.outputFile, options.bitDepth);
    if (options.reportFile) {
        report.save(*options.reportFile);
    }
    std::fprintf(stderr, "%s %s after %d iterations in %.1f s\n",
                 interrupted ? "Interrupted: wrote" : "Wrote", options.outputFile.c_str(),
                 session.iteration(), elapsed());
    return interrupted ? 130 : 0;
}

}  // namespace impasto::cli

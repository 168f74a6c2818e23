#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

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

// Set by Ctrl+C: the run stops after the current iteration and still writes its result.
std::atomic<bool> interrupted{false};

void onInterrupt(int) {
    interrupted = true;
}

LoadedImage loadInput(const std::string& file, int maxSide) {
    ImageLoadOptions options;
    options.maxSide = maxSide;
    return loadImage(file, options);
}

std::filesystem::path intermediateFile(const std::filesystem::path& output, int iteration) {
    std::filesystem::path file = output;
    file.replace_filename(output.stem().string() + "_" + std::to_string(iteration) + ".png");
    return file;
}

void writeResult(const StyleSession& session, const std::filesystem::path& file, int bitDepth) {
    PngExportOptions png;
    png.bitDepth = bitDepth;
    png.text["Software"] = "Impasto";
    png.text["impasto:settings"] = toJson(session.settings());
    png.text["impasto:model"] = session.model().file.filename().string();
    png.text["impasto:iterations"] = std::to_string(session.iteration());
    exportPng(file, session.currentImage(), png);
}

}  // namespace

int runStylize(const CliOptions& options) {
    // Fail now rather than after the whole run when the result could not be written.
    std::vector<std::string> written{options.outputFile};
    if (options.reportFile) {
        written.push_back(*options.reportFile);
    }
    for (const std::string& file : written) {
        const auto folder = std::filesystem::absolute(file).parent_path();
        if (!std::filesystem::is_directory(folder)) {
            throw Error("Cannot write " + file + ": the folder " + folder.string() +
                        " does not exist");
        }
    }
    const ModelChoice choice = chooseModel(ModelRegistry::loadBuiltIn(), options.model);
    LoadedModel model = loadModel(choice);

    const StyleSettings& settings = options.settings;
    // Inputs are decoded at no more than the size they are used at, to spare memory.
    const int styleSide =
        static_cast<int>(std::ceil(settings.outputSize * std::max(1.0, settings.styleScale)));
    std::optional<Image> content;
    if (options.contentFile) {
        content = loadInput(*options.contentFile, 0).image;
    }
    std::vector<Image> styles;
    for (const std::string& file : options.styleFiles) {
        styles.push_back(loadInput(file, styleSide).image);
    }

    StyleSession session(std::move(model), parseDevicePreference(options.device));
    session.setContent(std::move(content));
    session.setStyles(std::move(styles));
    if (options.initFile) {
        session.setInitImage(loadInput(*options.initFile, settings.outputSize).image);
    }
    StyleSettings effective = settings;
    if (!options.contentFile && effective.init == InitKind::Content) {
        effective.init = InitKind::Noise;  // texture synthesis starts from noise
    }
    session.applySettings(effective);

    std::fprintf(stderr, "Model %s (%s) on %s, %d CPU threads\n", choice.displayName.c_str(),
                 session.model().title.c_str(), session.deviceName().c_str(), computeThreads());
    RunReport report(choice.displayName, session.deviceName(), effective);
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const auto previousHandler = std::signal(SIGINT, onInterrupt);
    session.prepare();
    std::fprintf(stderr, "Prepared %d x %d in %.1f s\n", session.outputWidth(),
                 session.outputHeight(), elapsed());
    for (int i = 0; i < options.iterations && !interrupted; ++i) {
        const StepReport step = session.step();
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
            writeResult(session, intermediateFile(options.outputFile, step.iteration),
                        options.bitDepth);
        }
    }
    std::signal(SIGINT, previousHandler);
    if (session.iteration() == 0) {
        session.prepare();
    }
    writeResult(session, options.outputFile, options.bitDepth);
    if (options.reportFile) {
        report.save(*options.reportFile);
    }
    std::fprintf(stderr, "%s %s after %d iterations in %.1f s\n",
                 interrupted ? "Interrupted: wrote" : "Wrote", options.outputFile.c_str(),
                 session.iteration(), elapsed());
    return interrupted ? 130 : 0;
}

}  // namespace impasto::cli

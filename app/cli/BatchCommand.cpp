#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "app/cli/Commands.h"
#include "app/cli/OutputChecks.h"
#include "app/cli/StylizeRun.h"
#include "core/common/Error.h"
#include "core/image/PhotoFolder.h"
#include "core/model/TensorMemoryLimit.h"
#include "core/style/SessionCounters.h"

namespace impasto::cli {

namespace {

namespace fs = std::filesystem;

// Results are named "<photo stem>-impasto.png"; a folder's results are not photos to repaint
// when the output folder is that folder.
constexpr const char* kResultSuffix = "-impasto";

// Two photos named alike ("a.jpg", "a.png") would write the same result: refused before any
// work.
void refuseSharedResultNames(const std::vector<fs::path>& photos,
                             const std::vector<fs::path>& results) {
    for (size_t i = 0; i < results.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            if (results[i] == results[j]) {
                throw Error("The photos " + photos[j].string() + " and " + photos[i].string() +
                            " would both be written to " + results[i].string() +
                            ": rename one or give them in separate runs");
            }
        }
    }
}

}  // namespace

std::vector<fs::path> batchPhotos(const std::vector<std::string>& contentFiles) {
    std::vector<fs::path> photos;
    for (const std::string& given : contentFiles) {
        if (!fs::is_directory(given)) {
            photos.emplace_back(given);
            continue;
        }
        std::vector<fs::path> inFolder = imageFilesIn(given);
        std::erase_if(inFolder, [](const fs::path& file) {
            return file.stem().string().ends_with(kResultSuffix);
        });
        if (inFolder.empty()) {
            throw Error("The folder " + given + " holds only results of earlier batches");
        }
        photos.insert(photos.end(), inFolder.begin(), inFolder.end());
    }
    return photos;
}

fs::path batchResultFile(const fs::path& folder, const fs::path& photo) {
    return folder / (photo.stem().string() + kResultSuffix + ".png");
}

BatchPlan planBatch(const CliOptions& options) {
    BatchPlan plan;
    plan.photos = batchPhotos(options.contentFiles);
    const fs::path folder = *options.outputDir;
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) {
        throw Error("Cannot create the output folder " + folder.string() + ": " + error.message());
    }
    for (const fs::path& photo : plan.photos) {
        plan.results.push_back(batchResultFile(folder, photo));
        CliOptions run = options;
        run.contentFile = photo.string();
        run.outputFile = plan.results.back().string();
        // Fail now rather than after earlier photos when a result could not be written.
        checkOutputs(run);
        plan.runs.push_back(std::move(run));
    }
    refuseSharedResultNames(plan.photos, plan.results);
    return plan;
}

int runBatch(const CliOptions& options) {
    const BatchPlan plan = planBatch(options);
    const std::vector<fs::path>& photos = plan.photos;
    const std::vector<fs::path>& results = plan.results;
    const std::vector<CliOptions>& runs = plan.runs;
    const fs::path folder = *options.outputDir;
    limitTensorMemory(options.memoryLimit);

    StylizeRun stylizeRun(options);
    const int count = static_cast<int>(runs.size());
    std::vector<std::string> failed;
    int written = 0;
    int reached = 0;  // photos begun: an interruption leaves the rest
    int worst = 0;
    for (int i = 0; i < count && !stylizeRun.wasInterrupted(); ++i) {
        std::fprintf(stderr, "Photo %d of %d: %s -> %s\n", i + 1, count, photos[i].c_str(),
                     results[i].c_str());
        ++reached;
        stylizeRun.setProgressLabel("[photo " + std::to_string(i + 1) + " of " +
                                    std::to_string(count) + "] ");
        try {
            const int status = stylizeRun.stylize(runs[i]);
            if (!stylizeRun.wroteResult()) {
                --reached;  // interrupted before its first iteration: not painted at all
                break;
            }
            ++written;
            if (status == kPartialResultExitCode) {
                failed.push_back(photos[i].string() + " (partial result)");
                worst = std::max(worst, status);
            }
        } catch (const Error& photoError) {
            std::fprintf(stderr, "Photo %d of %d failed, skipped: %s\n", i + 1, count,
                         photoError.what());
            failed.push_back(photos[i].string());
            worst = std::max(worst, 1);
        }
    }
    const SessionCounters counters = stylizeRun.session().counters();
    // Says whether the paintings' targets were reused: more than once means a photo's size
    // changed the scale they are computed at.
    const int computations = counters.styleTargetComputations;
    std::fprintf(stderr, "Batch: %d of %d photos written to %s; style targets computed %s\n",
                 written, count, folder.c_str(),
                 computations == 1 ? "once" : (std::to_string(computations) + " times").c_str());
    if (reached < count) {
        std::string names;
        for (int i = reached; i < count; ++i) {
            names += (names.empty() ? "" : ", ") + photos[i].string();
        }
        std::fprintf(stderr, "Not reached after the interruption: %s\n", names.c_str());
    }
    if (!failed.empty()) {
        std::string names;
        for (const std::string& name : failed) {
            names += (names.empty() ? "" : ", ") + name;
        }
        std::fprintf(stderr, "Failed: %s\n", names.c_str());
    }
    return stylizeRun.wasInterrupted() ? stylizeRun.stopExitCode() : worst;
}

}  // namespace impasto::cli

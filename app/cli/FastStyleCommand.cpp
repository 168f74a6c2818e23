#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/Commands.h"
#include "app/cli/OutputChecks.h"
#include "app/cli/StylizeRun.h"
#include "core/common/Error.h"
#include "core/fast/FastStyleApply.h"
#include "core/fast/FastStyleFile.h"
#include "core/image/ImageExport.h"
#include "core/image/ImageLoader.h"
#include "core/model/TensorMemoryLimit.h"
#include "core/settings/SettingNames.h"
#include "core/style/ImageTensor.h"

namespace impasto::cli {

namespace fs = std::filesystem;

int runFastStyle(const CliOptions& options) {
    const FastStyleOptions& fast = options.fast;
    std::vector<fs::path> photos;
    std::vector<fs::path> results;
    if (options.outputDir) {
        BatchPlan plan = planBatch(options);
        photos = std::move(plan.photos);
        results = std::move(plan.results);
    } else {
        checkOutputs(options);
        photos = {*options.contentFile};
        results = {options.outputFile};
    }
    const FastStyle style = readFastStyle(fast.styleFile);
    FastApplyOptions apply = fastApplyOptions(options.settings);
    apply.strength = options.settings.strength;
    apply.preserveColors = options.settings.preserveColors;
    limitTensorMemory(options.memoryLimit);  // --memory-limit counts towards automatic tiles
    FastStyleApplier applier(*style.network, apply);
    std::fprintf(stderr, "Fast style in %s (%s)\n", toString(applier.precision().precision).c_str(),
                 applier.precision().reason.c_str());
    ImageExportOptions exported;
    exported.bitDepth = options.bitDepth;
    exported.pngText["Software"] = "Impasto";
    exported.pngText["impasto:fast-style"] = style.paintingName;
    int failed = 0;
    for (size_t i = 0; i < photos.size(); ++i) {
        try {
            Image photo = loadImage(photos[i]).image;
            if (fast.sizeGiven) {
                photo = resampledToLongestSide(photo, options.settings.outputSize);
            }
            const auto start = std::chrono::steady_clock::now();
            const Image result = applier.apply(photo);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            exportImage(results[i], result, exported);
            const std::string tiles =
                applier.lastTileSide() > 0
                    ? ", tiles of " + std::to_string(applier.lastTileSide()) + " px"
                    : std::string();
            std::fprintf(stderr, "%s -> %s (%d x %d, %.2f s%s)\n", photos[i].c_str(),
                         results[i].c_str(), result.width(), result.height(), seconds,
                         tiles.c_str());
        } catch (const Error& error) {
            if (photos.size() == 1) {
                throw;
            }
            std::fprintf(stderr, "%s failed, skipped: %s\n", photos[i].c_str(), error.what());
            ++failed;
        }
    }
    return failed > 0 ? 1 : 0;
}

}  // namespace impasto::cli

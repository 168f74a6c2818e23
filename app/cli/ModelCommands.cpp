#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "app/cli/Commands.h"
#include "core/common/Error.h"
#include "core/model/ModelLoader.h"
#include "core/registry/ModelChoice.h"
#include "core/registry/ModelDownloader.h"
#include "core/registry/ModelFolders.h"
#include "core/registry/ModelRegistry.h"

namespace impasto::cli {

namespace {

// "812 kB", "2.9 MB", "575 MB", "1.21 GB": three significant digits, decimal units.
std::string byteCount(int64_t bytes) {
    const double value = static_cast<double>(bytes);
    const auto [scaled, unit] = value >= 1e9   ? std::pair{value / 1e9, "GB"}
                                : value >= 1e6 ? std::pair{value / 1e6, "MB"}
                                : value >= 1e3 ? std::pair{value / 1e3, "kB"}
                                               : std::pair{value, "bytes"};
    char text[32];
    std::snprintf(text, sizeof text, scaled < 10 && bytes >= 1000 ? "%.2f %s" : "%.3g %s", scaled,
                  unit);
    return text;
}

}  // namespace

int runDownloadModel(const CliOptions& options) {
    const ModelRegistry registry = ModelRegistry::loadBuiltIn();
    const RegisteredModel& model = registry.get(options.modelToDownload);
    DownloadOptions download;
    int lastPermille = -1;
    bool progressShown = false;  // the progress line waits for its newline
    bool transferred = false;
    download.progress = [&](int64_t received, int64_t total) {
        // A tenth of a percent at most, so that a fast download does not flood the terminal.
        const int permille = total > 0 ? static_cast<int>(received * 1000 / total) : -1;
        if (permille == lastPermille && total > 0) {
            return;
        }
        lastPermille = permille;
        progressShown = transferred = true;
        const std::string of =
            total > 0 ? " of " + byteCount(total) + " (" + std::to_string(permille / 10) + "%)"
                      : "";
        std::fprintf(stderr, "\rDownloading %s: %s%s   ", model.name.c_str(),
                     byteCount(received).c_str(), of.c_str());
    };
    download.notice = [&](const std::string& sentence) {
        std::fprintf(stderr, "%s%s\n", progressShown ? "\n" : "", sentence.c_str());
        progressShown = false;
    };
    // The file must build the network the registry says it is, or it is not installed.
    download.validate = [&](const std::filesystem::path& file) {
        const ModelInfo info = loadModel(choiceFor(model, file)).info;
        for (const std::string& layer : model.layers) {
            if (std::find(info.availableLayers.begin(), info.availableLayers.end(), layer) ==
                info.availableLayers.end()) {
                throw Error(file.filename().string() + " lacks layer " + layer + " of " +
                            model.title);
            }
        }
    };
    const std::filesystem::path installed = downloadModel(model, download);
    if (transferred) {
        std::fprintf(stderr, "%sInstalled %s\n", progressShown ? "\n" : "", installed.c_str());
    }
    return 0;
}

int runListModels() {
    const ModelRegistry registry = ModelRegistry::loadBuiltIn();
    for (const RegisteredModel& model : registry.models()) {
        const auto file = registry.locate(model);
        std::printf("%-18s %-45s %-11s %s\n", model.name.c_str(), model.title.c_str(),
                    model.format.c_str(), file ? file->c_str() : "not installed");
    }
    std::printf("\nSearch path:\n");
    for (const auto& folder : registry.searchPath()) {
        std::printf("  %s\n", folder.c_str());
    }
    return 0;
}

}  // namespace impasto::cli

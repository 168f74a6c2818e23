#include <algorithm>
#include <cstdio>

#include "app/cli/Commands.h"
#include "core/common/Error.h"
#include "core/model/ModelLoader.h"
#include "core/registry/ModelChoice.h"
#include "core/registry/ModelDownloader.h"
#include "core/registry/ModelFolders.h"
#include "core/registry/ModelRegistry.h"

namespace impasto::cli {

int runDownloadModel(const CliOptions& options) {
    const ModelRegistry registry = ModelRegistry::loadBuiltIn();
    const RegisteredModel& model = registry.get(options.modelToDownload);
    DownloadOptions download;
    int lastPercent = -1;
    download.progress = [&](int64_t received, int64_t total) {
        const int percent = total > 0 ? static_cast<int>(received * 100 / total) : -1;
        if (percent != lastPercent) {
            lastPercent = percent;
            std::fprintf(stderr, "\rDownloading %s: %.1f MB%s", model.name.c_str(), received / 1e6,
                         total > 0 ? (" of " + std::to_string(total / 1000000) + " MB (" +
                                      std::to_string(percent) + "%)")
                                         .c_str()
                                   : "");
        }
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
    std::fprintf(stderr, "\nInstalled %s\n", installed.c_str());
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

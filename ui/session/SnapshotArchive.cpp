#include "ui/session/SnapshotArchive.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/common/AtomicFile.h"
#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/image/PngTextReader.h"
#include "core/settings/SettingsJson.h"

namespace impasto::ui {

namespace {

const std::string kPrefix = "snapshot-";
const std::string kSuffix = ".png";
const std::string kMasksPrefix = "masks-";
const std::string kMasksSuffix = ".masks";

// A name for the masks' content: snapshots kept with the same masks (most of a run's) share one
// file, encoded once, since encoding masks costs far more than hashing them.
std::string masksKey(const MaskSet& masks) {
    size_t key = 0;
    const auto add = [&key](size_t value) { key = key * 1099511628211u ^ value; };
    const auto addMasks = [&add](const std::vector<std::optional<Mask>>& list) {
        add(list.size());
        for (const std::optional<Mask>& mask : list) {
            add(mask ? static_cast<size_t>(mask->width()) << 32 | mask->height() : ~size_t(0));
            if (mask) {
                add(std::hash<std::string_view>{}(
                    {reinterpret_cast<const char*>(mask->values.data()),
                     mask->values.size() * sizeof(float)}));
            }
        }
    };
    addMasks(masks.paintings);
    addMasks(masks.sources);
    addMasks({masks.keep});
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx", key);
    return hex;
}

}  // namespace

SnapshotArchive::SnapshotArchive(std::filesystem::path folder) : folder_(std::move(folder)) {}

void SnapshotArchive::keep(int id, const Snapshot& snapshot) {
    std::error_code ignored;
    std::filesystem::create_directories(folder_, ignored);
    PngExportOptions png;
    RunInputs start;
    if (snapshot.start) {
        start.initImage = snapshot.start->path;
        start.initIsFastStyle = snapshot.start->fastStyle;
    }
    png.text["impasto:settings"] = recipeToJson(snapshot.settings, start);
    png.text["impasto:iterations"] = std::to_string(snapshot.iteration);
    png.text["impasto:run"] = std::to_string(snapshot.run);
    if (snapshot.masks && snapshot.masks->any()) {
        png.text["impasto:masks"] = masksFileKey(snapshot.masks);
    }
    exportPng(folder_ / (kPrefix + std::to_string(id) + kSuffix), snapshot.image, png);
}

std::string SnapshotArchive::masksFileKey(const std::shared_ptr<const MaskSet>& masks) {
    const std::string hash = masksKey(*masks);
    // A hash can collide: a name is these masks' only when its file holds them, else the next.
    for (int n = 1;; ++n) {
        const std::string key = n == 1 ? hash : hash + "-" + std::to_string(n);
        const std::filesystem::path file = folder_ / (kMasksPrefix + key + kMasksSuffix);
        auto& written = written_[key];
        std::error_code unknown;
        if (!written && std::filesystem::exists(file, unknown)) {
            try {  // left by an earlier session
                written = std::make_shared<const MaskSet>(readEmbeddedMasks(file));
            } catch (const std::exception&) {
                written = masks;  // damaged: written anew below
                writeFileAtomically(file, maskChunkStream(*masks));
            }
        }
        if (!written) {
            writeFileAtomically(file, maskChunkStream(*masks));
            written = masks;
        }
        if (written == masks || *written == *masks) {
            return key;
        }
    }
}

std::vector<Snapshot> SnapshotArchive::load() const {
    std::map<int, std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(folder_, error)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(kPrefix) && name.ends_with(kSuffix)) {
            try {
                files.emplace(std::stoi(name.substr(kPrefix.size())), entry.path());
            } catch (const std::exception&) {
                // Not one of ours.
            }
        }
    }
    std::vector<Snapshot> snapshots;
    std::map<std::string, std::shared_ptr<const MaskSet>> masks;  // each file read once, shared
    for (const auto& [id, file] : files) {
        try {
            const auto text = readPngText(file);
            Snapshot snapshot;
            snapshot.settings = settingsFromJson(text.at("impasto:settings"));
            if (const RunInputs start = runInputsFromJson(text.at("impasto:settings"));
                start.initImage) {
                snapshot.start = StartFile{*start.initImage, start.initIsFastStyle};
            }
            try {
                const auto key = text.find("impasto:masks");
                if (key == text.end()) {
                    // No masks, or an archive from before they were kept apart: in the snapshot.
                    snapshot.masks = std::make_shared<const MaskSet>(readEmbeddedMasks(file));
                } else if (auto& shared = masks[key->second]; shared) {
                    snapshot.masks = shared;
                } else {
                    snapshot.masks = shared = std::make_shared<const MaskSet>(
                        readEmbeddedMasks(folder_ / (kMasksPrefix + key->second + kMasksSuffix)));
                }
            } catch (const std::exception&) {
                // A missing or damaged masks file costs the masks only: the image and recipe stay.
                snapshot.masks.reset();
            }
            snapshot.iteration = std::stoi(text.at("impasto:iterations"));
            snapshot.run = std::stoi(text.at("impasto:run"));
            snapshot.image = loadImage(file).image;
            snapshots.push_back(std::move(snapshot));
        } catch (const std::exception&) {
            // A damaged file costs that snapshot only.
        }
    }
    return snapshots;
}

void SnapshotArchive::discard() {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
}

}  // namespace impasto::ui

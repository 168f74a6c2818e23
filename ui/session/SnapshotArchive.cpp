#include "ui/session/SnapshotArchive.h"

#include <algorithm>
#include <exception>
#include <map>
#include <string>
#include <system_error>
#include <utility>

#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/image/PngTextReader.h"
#include "core/settings/SettingsJson.h"

namespace impasto::ui {

namespace {

const std::string kPrefix = "snapshot-";
const std::string kSuffix = ".png";

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
    if (snapshot.masks) {
        png.masks = *snapshot.masks;
    }
    exportPng(folder_ / (kPrefix + std::to_string(id) + kSuffix), snapshot.image, png);
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
    for (const auto& [id, file] : files) {
        try {
            const auto text = readPngText(file);
            Snapshot snapshot;
            snapshot.settings = settingsFromJson(text.at("impasto:settings"));
            if (const RunInputs start = runInputsFromJson(text.at("impasto:settings"));
                start.initImage) {
                snapshot.start = StartFile{*start.initImage, start.initIsFastStyle};
            }
            snapshot.masks = std::make_shared<const MaskSet>(readEmbeddedMasks(file));
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

#include "core/recovery/RecoveryStore.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <system_error>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/RegularFile.h"
#include "core/common/StrictJson.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/settings/SettingsJson.h"

namespace impasto {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kManifestName = "manifest.json";
constexpr const char* kImageSlots[] = {"image-a.png", "image-b.png"};
constexpr const char* kFormat = "impasto-recovery-1";
// A recovered image must fit what a session accepts; larger means a damaged manifest or PNG.
constexpr double kMaxRecoveredMegapixels = double(kMaximumOutputSize) * kMaximumOutputSize / 1e6;

std::filesystem::path homeFolder() {
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') {
        return home;
    }
    if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir) {
        return entry->pw_dir;
    }
    throw Error("Cannot find a folder for autosaves: neither XDG_STATE_HOME nor HOME is set");
}

// A manifest that is a named pipe, a folder, unreadable or far larger than any manifest is no
// manifest (and never blocks or fills the memory).
std::optional<std::string> fileText(const std::filesystem::path& file) {
    constexpr uint64_t kMaxManifestBytes = 16 << 20;
    try {
        const RegularFile opened(file);
        if (opened.size() > kMaxManifestBytes) {
            return std::nullopt;
        }
        const std::vector<uint8_t> bytes = opened.readAll();
        return std::string(bytes.begin(), bytes.end());
    } catch (const Error&) {
        return std::nullopt;
    }
}

// The member `key` of the manifest when it exists and has the type `is` checks, else nullptr.
const json* member(const json& manifest, const char* key, bool (json::*is)() const noexcept) {
    const auto found = manifest.find(key);
    return found != manifest.end() && ((*found).*is)() ? &*found : nullptr;
}

// The slot the manifest names, if it names one of ours.
std::optional<std::string> manifestImage(const json& manifest) {
    const json* image = member(manifest, "image", &json::is_string);
    for (const char* slot : kImageSlots) {
        if (image != nullptr && *image == slot) {
            return slot;
        }
    }
    return std::nullopt;
}

std::optional<json> manifestJson(std::string_view text) {
    try {
        json manifest = parseStrictJson(text);
        const json* format = member(manifest, "format", &json::is_string);
        if (manifest.is_object() && format != nullptr && *format == kFormat) {
            return manifest;
        }
    } catch (const JsonError&) {
    }
    return std::nullopt;
}

std::optional<json> readManifest(const std::filesystem::path& folder) {
    const std::optional<std::string> text = fileText(folder / kManifestName);
    return text ? manifestJson(*text) : std::nullopt;
}

// A whole number written as one (not 42.0 or 4.2e1).
std::optional<int64_t> wholeNumber(const json& manifest, const char* key) {
    const json* number = member(manifest, key, &json::is_number_integer);
    if (number == nullptr ||
        (number->is_number_unsigned() && number->get<uint64_t>() > uint64_t{INT64_MAX})) {
        return std::nullopt;
    }
    return number->get<int64_t>();
}

// Seconds since 1970 that system_clock can hold (its nanoseconds overflow from the year 2262).
bool isClockTime(int64_t seconds) {
    const auto latest = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::duration::max());
    return seconds >= 0 && seconds <= latest.count();
}

}  // namespace

std::optional<RecoveryManifest> parseRecoveryManifest(std::string_view text) {
    const std::optional<json> manifest = manifestJson(text);
    if (!manifest) {
        return std::nullopt;
    }
    const std::optional<std::string> image = manifestImage(*manifest);
    const std::optional<int64_t> iteration = wholeNumber(*manifest, "iteration");
    const std::optional<int64_t> savedAt = wholeNumber(*manifest, "savedAt");
    const json* content = member(*manifest, "content", &json::is_string);
    const json* styles = member(*manifest, "styles", &json::is_array);
    // An object; manifests written before the settings were nested hold them as JSON text.
    const json* settings = member(*manifest, "settings", &json::is_object);
    if (settings == nullptr) {
        settings = member(*manifest, "settings", &json::is_string);
    }
    if (!image || !iteration || *iteration < 0 || *iteration > INT32_MAX || !savedAt ||
        !isClockTime(*savedAt) || content == nullptr || styles == nullptr || settings == nullptr) {
        return std::nullopt;
    }
    RecoveryManifest parsed;
    parsed.imageFile = *image;
    RecoveredRun& run = parsed.run;
    run.iteration = static_cast<int>(*iteration);
    run.savedAt = std::chrono::system_clock::time_point(std::chrono::seconds(*savedAt));
    run.contentFile = content->get<std::string>();
    for (const json& style : *styles) {
        if (!style.is_string()) {
            return std::nullopt;
        }
        run.styleFiles.emplace_back(style.get<std::string>());
    }
    try {
        run.settings = settings->is_string() ? settingsFromJson(settings->get<std::string>())
                                             : settingsFromJsonObject(*settings);
    } catch (const Error&) {
        return std::nullopt;
    }
    return parsed;
}

std::filesystem::path RecoveryStore::defaultFolder() {
    // The XDG specification says to ignore an empty or relative XDG_STATE_HOME.
    const char* stateHome = std::getenv("XDG_STATE_HOME");
    if (stateHome != nullptr && std::filesystem::path(stateHome).is_absolute()) {
        return std::filesystem::path(stateHome) / "impasto" / "recovery";
    }
    return homeFolder() / ".local" / "state" / "impasto" / "recovery";
}

RecoveryStore::RecoveryStore(std::filesystem::path folder) : folder_(std::move(folder)) {
    const std::optional<json> manifest = readManifest(folder_);
    const std::optional<std::string> current = manifest ? manifestImage(*manifest) : std::nullopt;
    nextImage_ = current == kImageSlots[0] ? kImageSlots[1] : kImageSlots[0];
}

void RecoveryStore::save(const Image& current, const StyleSettings& settings,
                         const std::filesystem::path& contentFile,
                         const std::vector<std::filesystem::path>& styleFiles, int iteration) {
    std::error_code error;
    std::filesystem::create_directories(folder_, error);
    if (error) {
        throw Error("Cannot create the autosave folder " + folder_.string() + ": " +
                    error.message());
    }
    exportPng(folder_ / nextImage_, current, {.bitDepth = 16});

    const auto savedAt = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    ordered_json styles = ordered_json::array();
    for (const std::filesystem::path& style : styleFiles) {
        styles.push_back(style.string());
    }
    const ordered_json manifest = {{"format", kFormat},
                                   {"image", nextImage_},
                                   {"iteration", iteration},
                                   {"savedAt", savedAt.count()},
                                   {"content", contentFile.string()},
                                   {"styles", std::move(styles)},
                                   {"settings", settingsToJsonObject(settings)}};
    // A path that is not UTF-8 is saved with U+FFFD in place of its odd bytes rather than
    // failing the autosave: the image, which matters most, is kept either way.
    const std::string text =
        manifest.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
    writeFileAtomically(folder_ / kManifestName,
                        {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    nextImage_ = nextImage_ == kImageSlots[0] ? kImageSlots[1] : kImageSlots[0];
}

std::optional<RecoveredRun> RecoveryStore::load() const {
    const std::optional<std::string> text = fileText(folder_ / kManifestName);
    std::optional<RecoveryManifest> manifest = text ? parseRecoveryManifest(*text) : std::nullopt;
    if (!manifest) {
        return std::nullopt;
    }
    try {
        manifest->run.image =
            loadImage(folder_ / manifest->imageFile, {.maxMegapixels = kMaxRecoveredMegapixels})
                .image;
    } catch (const Error&) {
        return std::nullopt;
    }
    return std::move(manifest->run);
}

void RecoveryStore::discard() {
    // The manifest goes first: without it the images are never offered, whatever happens next.
    std::error_code ignored;
    std::filesystem::remove(folder_ / kManifestName, ignored);
    for (const char* slot : kImageSlots) {
        std::filesystem::remove(folder_ / slot, ignored);
    }
}

}  // namespace impasto

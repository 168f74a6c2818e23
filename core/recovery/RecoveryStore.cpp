#include "core/recovery/RecoveryStore.h"

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/JsonText.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/settings/SettingsJson.h"
#include "core/weights/Json.h"

namespace impasto {

namespace {

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

std::optional<std::string> fileText(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return in.bad() ? std::nullopt : std::optional(text.str());
}

const JsonValue* member(const JsonValue& object, std::string_view key, JsonValue::Kind kind) {
    for (const auto& [name, value] : object.members) {
        if (name == key) {
            return value.kind == kind ? &value : nullptr;
        }
    }
    return nullptr;
}

// The slot the manifest names, if it names one of ours.
std::optional<std::string> manifestImage(const JsonValue& manifest) {
    const JsonValue* image = member(manifest, "image", JsonValue::Kind::String);
    for (const char* slot : kImageSlots) {
        if (image != nullptr && image->text == slot) {
            return image->text;
        }
    }
    return std::nullopt;
}

std::optional<JsonValue> readManifest(const std::filesystem::path& folder) {
    const std::optional<std::string> text = fileText(folder / kManifestName);
    if (!text) {
        return std::nullopt;
    }
    try {
        JsonValue manifest = parseJson(*text, JsonGrammar::Complete);
        const JsonValue* format = member(manifest, "format", JsonValue::Kind::String);
        if (manifest.kind == JsonValue::Kind::Object && format != nullptr &&
            format->text == kFormat) {
            return manifest;
        }
    } catch (const JsonError&) {
    }
    return std::nullopt;
}

std::optional<int64_t> wholeNumber(const JsonValue& manifest, std::string_view key) {
    const JsonValue* number = member(manifest, key, JsonValue::Kind::Number);
    if (number == nullptr) {
        return std::nullopt;
    }
    int64_t value = 0;
    const char* end = number->text.data() + number->text.size();
    const auto [stop, error] = std::from_chars(number->text.data(), end, value);
    if (error != std::errc() || stop != end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::filesystem::path RecoveryStore::defaultFolder() {
    // The XDG specification says to ignore an empty or relative XDG_STATE_HOME.
    const char* stateHome = std::getenv("XDG_STATE_HOME");
    if (stateHome != nullptr && std::filesystem::path(stateHome).is_absolute()) {
        return std::filesystem::path(stateHome) / "impasto" / "recovery";
    }
    return homeFolder() / ".local" / "state" / "impasto" / "recovery";
}

RecoveryStore::RecoveryStore(std::filesystem::path folder) : folder_(std::move(folder)) {
    const std::optional<JsonValue> manifest = readManifest(folder_);
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
    std::ostringstream manifest;
    manifest << "{\"format\":" << jsonQuoted(kFormat) << ",\"image\":" << jsonQuoted(nextImage_)
             << ",\"iteration\":" << iteration << ",\"savedAt\":" << savedAt.count()
             << ",\"content\":" << jsonQuoted(contentFile.string()) << ",\"styles\":[";
    for (size_t i = 0; i < styleFiles.size(); ++i) {
        manifest << (i ? "," : "") << jsonQuoted(styleFiles[i].string());
    }
    // The settings as their own JSON text, read back by settingsFromJson.
    manifest << "],\"settings\":" << jsonQuoted(toJson(settings)) << "}\n";
    const std::string text = manifest.str();
    writeFileAtomically(folder_ / kManifestName,
                        {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    nextImage_ = nextImage_ == kImageSlots[0] ? kImageSlots[1] : kImageSlots[0];
}

std::optional<RecoveredRun> RecoveryStore::load() const {
    const std::optional<JsonValue> manifest = readManifest(folder_);
    if (!manifest) {
        return std::nullopt;
    }
    const std::optional<std::string> image = manifestImage(*manifest);
    const std::optional<int64_t> iteration = wholeNumber(*manifest, "iteration");
    const std::optional<int64_t> savedAt = wholeNumber(*manifest, "savedAt");
    const JsonValue* content = member(*manifest, "content", JsonValue::Kind::String);
    const JsonValue* styles = member(*manifest, "styles", JsonValue::Kind::Array);
    const JsonValue* settings = member(*manifest, "settings", JsonValue::Kind::String);
    if (!image || !iteration || *iteration < 0 || *iteration > INT32_MAX || !savedAt ||
        content == nullptr || styles == nullptr || settings == nullptr) {
        return std::nullopt;
    }
    RecoveredRun run;
    run.iteration = static_cast<int>(*iteration);
    run.savedAt = std::chrono::system_clock::time_point(std::chrono::seconds(*savedAt));
    run.contentFile = content->text;
    for (const JsonValue& style : styles->elements) {
        if (style.kind != JsonValue::Kind::String) {
            return std::nullopt;
        }
        run.styleFiles.emplace_back(style.text);
    }
    try {
        run.settings = settingsFromJson(settings->text);
        run.image = loadImage(folder_ / *image, {.maxMegapixels = kMaxRecoveredMegapixels}).image;
    } catch (const Error&) {
        return std::nullopt;
    }
    return run;
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

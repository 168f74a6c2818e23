#include "core/settings/PresetFile.h"

#include <cstdint>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <system_error>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/settings/SettingsJson.h"

namespace impasto {

namespace {

// Presets are a few hundred bytes; anything far larger is not one.
constexpr std::uintmax_t kMaximumPresetBytes = 1 << 20;

}  // namespace

void savePreset(const std::filesystem::path& file, const StyleSettings& settings) {
    const std::string json = toJson(settings) + "\n";
    writeFileAtomically(file,
                        std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

StyleSettings loadPreset(const std::filesystem::path& file) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    std::ifstream input(file, std::ios::binary);
    if (error || !input) {
        throw Error("Cannot open the preset " + file.string() +
                    (error ? ": " + error.message() : std::string()));
    }
    if (size > kMaximumPresetBytes) {
        throw Error("The preset " + file.string() + " is too large to be a preset");
    }
    std::ostringstream text;
    if (!(text << input.rdbuf()) && size > 0) {
        throw Error("Cannot read the preset " + file.string());
    }
    try {
        return settingsFromJson(text.str());
    } catch (const Error& problem) {
        throw Error("The preset " + file.string() + " is not valid: " + problem.what());
    }
}

}  // namespace impasto

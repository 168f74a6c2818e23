#include "core/settings/PresetFile.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/RegularFile.h"
#include "core/settings/SettingsJson.h"

namespace impasto {

namespace {

// Presets are a few hundred bytes; anything far larger is not one.
constexpr std::uintmax_t kMaximumPresetBytes = 1 << 20;

}  // namespace

void savePreset(const std::filesystem::path& file, const StyleSettings& settings,
                const RunInputs& inputs) {
    const std::string json =
        (inputs == RunInputs{} ? toJson(settings) : recipeToJson(settings, inputs)) + "\n";
    writeFileAtomically(file,
                        std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

StyleSettings loadPreset(const std::filesystem::path& file) {
    return loadRecipeJson(file).settings;
}

Recipe recipeFromJson(std::string_view json, const std::string& where) {
    try {
        return {settingsFromJson(json), runInputsFromJson(json)};
    } catch (const Error& problem) {
        throw Error(where + " is not valid: " + problem.what());
    }
}

Recipe loadRecipeJson(const std::filesystem::path& file) {
    std::vector<uint8_t> bytes;
    try {
        const RegularFile opened(file);  // a named pipe is refused, not waited on
        if (opened.size() > kMaximumPresetBytes) {
            throw Error(file.string() + " is too large to be a preset");
        }
        bytes = opened.readAll();
    } catch (const Error& problem) {
        throw Error(std::string("Cannot open the preset: ") + problem.what());
    }
    return recipeFromJson({reinterpret_cast<const char*>(bytes.data()), bytes.size()},
                          "The preset " + file.string());
}

}  // namespace impasto

#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/settings/SettingsJson.h"
#include "core/settings/StyleSettings.h"

namespace impasto {

// A preset is the settings' JSON (toJson), as stored in exported PNGs, in a file of its own:
// the desktop app saves and loads them, `impasto-cli --preset` reads them. Both throw
// impasto::Error with a message naming the file (and, on loading, the setting at fault).
// With `inputs`, the preset also names the paintings (and photo) it was made with, so that
// loading it can bring them back.
void savePreset(const std::filesystem::path& file, const StyleSettings& settings,
                const RunInputs& inputs = {});
StyleSettings loadPreset(const std::filesystem::path& file);

// The settings and the inputs a preset or an exported image names (see RunInputs).
struct Recipe {
    StyleSettings settings;
    RunInputs inputs;
};
// A JSON preset file's recipe (loadPreset's checks and messages). Exported images are read by
// loadRecipe in core/image/RecipeFile.h.
Recipe loadRecipeJson(const std::filesystem::path& file);
// The recipe in settings JSON found in `where` (a file, or a file's text chunk), errors naming it.
Recipe recipeFromJson(std::string_view json, const std::string& where);

}  // namespace impasto

#pragma once

#include <filesystem>

#include "core/settings/StyleSettings.h"

namespace impasto {

// A preset is the settings' JSON (toJson), as stored in exported PNGs, in a file of its own:
// the desktop app saves and loads them, `impasto-cli --preset` reads them. Both throw
// impasto::Error with a message naming the file (and, on loading, the setting at fault).
void savePreset(const std::filesystem::path& file, const StyleSettings& settings);
StyleSettings loadPreset(const std::filesystem::path& file);

}  // namespace impasto

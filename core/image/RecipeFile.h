#pragma once

#include <filesystem>

#include "core/settings/PresetFile.h"

namespace impasto {

// The recipe in a preset: a JSON preset file, or a PNG that Impasto exported (its
// "impasto:settings" text). Throws impasto::Error naming the file and what is wrong.
Recipe loadRecipe(const std::filesystem::path& file);

}  // namespace impasto

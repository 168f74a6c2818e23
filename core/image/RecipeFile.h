#pragma once

#include <filesystem>

#include "core/settings/PresetFile.h"

namespace impasto {

// The recipe in a preset: a JSON preset file, or an image that Impasto exported: a PNG (its
// "impasto:settings" text), a JPEG (its comment) or a TIFF (its ImageDescription). Throws
// impasto::Error naming the file and what is wrong. An exported image's masks are read by
// readEmbeddedMasks (core/image/EmbeddedMasks.h).
Recipe loadRecipe(const std::filesystem::path& file);

}  // namespace impasto

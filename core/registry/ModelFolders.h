#pragma once

#include <filesystem>
#include <vector>

namespace impasto {

// The manifest's file name inside builtInModelsFolder().
inline constexpr const char* manifestFileName = "registry.json";

// Where model files live. Each call reads the environment afresh, with std::getenv rather than
// Qt, so that no QCoreApplication is needed and tests can redirect the folders.

// The folders listed in IMPASTO_MODEL_PATH (colon-separated; empty entries ignored).
std::vector<std::filesystem::path> environmentModelFolders();

// Where downloads go: $XDG_DATA_HOME/impasto/models, by default ~/.local/share/impasto/models.
// Throws impasto::Error when neither XDG_DATA_HOME nor a home folder is known.
std::filesystem::path userModelsFolder();

// The manifest in use: the file IMPASTO_REGISTRY names (another registry: a mirror, a test),
// else registry.json in builtInModelsFolder().
std::filesystem::path activeManifestFile();

// The folder holding the manifest (registry.json) shipped with Impasto: share/impasto/models
// beside the running executable's bin/ when installed, or the source tree's models/ for a
// program inside the build folder. Throws impasto::Error when the manifest is not there.
std::filesystem::path builtInModelsFolder();

}  // namespace impasto

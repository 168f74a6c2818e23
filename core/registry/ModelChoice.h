#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/model/ModelLoader.h"
#include "core/registry/ModelRegistry.h"

namespace impasto {

// A weight file to load and what the registry knows about it.
struct ModelChoice {
    std::filesystem::path file;
    std::optional<std::string> architecture;   // from the registry; else read from the file
    std::optional<std::string> preprocessing;  // Preprocessing::parse() text
    std::string displayName;                   // registry name or file name
    // The registry's recommended layers; empty for a plain file.
    std::vector<std::string> contentLayers;
    std::vector<std::string> styleLayers;
};

// A weight file the registry does not know: everything is read from the file itself.
ModelChoice choiceForFile(const std::filesystem::path& file);
// `file` read as the registered `model`.
ModelChoice choiceFor(const RegisteredModel& model, const std::filesystem::path& file);

// The name of the argument that picks the best installed registry model.
inline constexpr const char* automaticModel = "auto";

// Turns a --model argument into a file: "auto" (the first installed registry model, in
// manifest order, which lists the best first), a registry name (installed?) or a file path.
// Throws impasto::Error that says how to get a model when none is installed.
ModelChoice chooseModel(const ModelRegistry& registry, const std::string& argument);
// The same with the built-in registry, a path to an existing file coming first (even one named
// like a registry model): what --model and the desktop app's model choice mean.
ModelChoice chooseModelOrFile(const std::string& argument);

// Loads the chosen file with what the registry knows about it (architecture, preprocessing,
// recommended layers).
LoadedModel loadModel(const ModelChoice& choice);

}  // namespace impasto

#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/registry/RegisteredModel.h"

namespace impasto {

// The models Impasto knows by name, read from the manifest, and where their files are found.
class ModelRegistry {
public:
    // The manifest shipped with Impasto (registry.json in builtInModelsFolder()), or the one
    // IMPASTO_REGISTRY names instead (activeManifestFile()).
    static ModelRegistry loadBuiltIn();
    // Reads and validates a manifest; throws impasto::Error naming the file, and the entry and
    // field at fault, for anything unreadable or invalid.
    static ModelRegistry load(const std::filesystem::path& manifestFile);

    const std::filesystem::path& manifestFile() const { return manifestFile_; }
    // In manifest order.
    const std::vector<RegisteredModel>& models() const { return models_; }
    std::vector<std::string> names() const;
    // nullptr when no model has that name.
    const RegisteredModel* find(const std::string& name) const;
    // The model of that name; throws impasto::Error listing the registered names when there is
    // none.
    const RegisteredModel& get(const std::string& name) const;

    // Folders searched for model files, in order: those of IMPASTO_MODEL_PATH, the user's
    // folder (userModelsFolder()), then the manifest's own folder (the built-in models).
    std::vector<std::filesystem::path> searchPath() const;
    // The first existing <folder>/<fileName> along searchPath().
    std::optional<std::filesystem::path> locate(const RegisteredModel& model) const;

    // What a --model argument means: a registered model's name, else the path of an existing
    // file. Throws impasto::Error when it is neither.
    std::variant<RegisteredModel, std::filesystem::path> resolveModelArgument(
        const std::string& text) const;

private:
    ModelRegistry(std::filesystem::path manifestFile, std::vector<RegisteredModel> models);

    // "Unknown model "NAME": not a registered model (NAMES)", the start of every such error.
    std::string unknownModel(const std::string& name) const;

    std::filesystem::path manifestFile_;
    std::vector<RegisteredModel> models_;
};

}  // namespace impasto

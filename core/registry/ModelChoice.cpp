#include "core/registry/ModelChoice.h"

#include <system_error>

#include "core/common/Error.h"
#include "core/common/Text.h"

namespace impasto {

namespace {

std::string megabytes(int64_t bytes) {
    return bytes > 0 ? " (" + std::to_string((bytes + 500000) / 1000000) + " MB)" : "";
}

}  // namespace

ModelChoice choiceForFile(const std::filesystem::path& file) {
    return {file, std::nullopt, std::nullopt, file.filename().string(), {}, {}};
}

ModelChoice choiceFor(const RegisteredModel& model, const std::filesystem::path& file) {
    return {file,       model.architecture,  model.preprocessing,
            model.name, model.contentLayers, model.styleLayers};
}

ModelChoice chooseModel(const ModelRegistry& registry, const std::string& argument) {
    if (argument == automaticModel) {
        for (const RegisteredModel& model : registry.models()) {
            if (const auto file = registry.locate(model)) {
                return choiceFor(model, *file);
            }
        }
        std::vector<std::string> offers;
        for (const RegisteredModel& model : registry.models()) {
            offers.push_back(model.name + megabytes(model.sizeBytes));
        }
        throw Error("No model is installed. Download one with --download-model NAME (" +
                    join(offers, ", ") + ") or pass a weight file with --model FILE");
    }
    const auto resolved = registry.resolveModelArgument(argument);
    if (const auto* path = std::get_if<std::filesystem::path>(&resolved)) {
        return choiceForFile(*path);
    }
    const auto& model = std::get<RegisteredModel>(resolved);
    if (const auto file = registry.locate(model)) {
        return choiceFor(model, *file);
    }
    throw Error("Model " + model.name + " is not installed. Download it with --download-model " +
                model.name + megabytes(model.sizeBytes) + " or put " + model.fileName +
                " in a folder of IMPASTO_MODEL_PATH");
}

ModelChoice chooseModelOrFile(const std::string& argument) {
    std::error_code error;
    if (std::filesystem::is_regular_file(argument, error)) {
        return choiceForFile(argument);
    }
    return chooseModel(ModelRegistry::loadBuiltIn(), argument);
}

LoadedModel loadModel(const ModelChoice& choice) {
    ModelHints hints;
    hints.architecture = choice.architecture;
    if (choice.preprocessing) {
        hints.preprocessing = Preprocessing::parse(*choice.preprocessing);
    }
    hints.defaultContentLayers = choice.contentLayers;
    hints.defaultStyleLayers = choice.styleLayers;
    return loadModel(choice.file, hints);
}

}  // namespace impasto

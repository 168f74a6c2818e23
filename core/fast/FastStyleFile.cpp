#include "core/fast/FastStyleFile.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/common/StrictJson.h"
#include "core/common/Text.h"
#include "core/settings/SettingsJson.h"
#include "core/weights/SafetensorsReader.h"
#include "core/weights/SafetensorsWriter.h"

namespace impasto {

namespace {

constexpr const char* kFormat = "impasto-fast-style";
constexpr const char* kFirstMoment = "adam.m.";
constexpr const char* kSecondMoment = "adam.v.";
constexpr const char* kThumbnail = "thumbnail";

WeightTensor toWeight(const at::Tensor& tensor) {
    const at::Tensor values = tensor.detach().to(at::kCPU, at::kFloat).contiguous();
    WeightTensor weight;
    weight.shape.assign(values.sizes().begin(), values.sizes().end());
    weight.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
    return weight;
}

at::Tensor toTensor(const WeightTensor& weight) {
    return at::from_blob(const_cast<float*>(weight.values.data()), weight.shape, at::kFloat)
        .clone();
}

std::string metadataValue(const TensorSet& set, const std::string& key, const std::string& file) {
    const auto found = set.metadata.find(key);
    if (found == set.metadata.end()) {
        throw Error(file + " is damaged: its metadata lacks \"" + key + "\"");
    }
    return found->second;
}

FastStyle fromTensorSet(TensorSet set, const std::string& file, TrainingState* training) {
    const auto format = set.metadata.find("format");
    if (format == set.metadata.end() || format->second != kFormat) {
        throw Error(file +
                    " is not an Impasto fast style (a model's weights or another program's "
                    "safetensors file?)");
    }
    const std::string version = metadataValue(set, "format_version", file);
    if (version != std::to_string(kFastStyleFormatVersion)) {
        throw Error(file + " is a fast style of format version " + version +
                    "; this Impasto reads " + "version " + std::to_string(kFastStyleFormatVersion));
    }
    const std::optional<double> width = parseNumber(metadataValue(set, "width", file));
    if (!width || !TransformNetwork::isSupportedWidth(*width)) {
        throw Error(file + " has an unsupported network width \"" +
                    metadataValue(set, "width", file) + "\" (1, 0.5 or 0.25)");
    }
    FastStyle style;
    style.lossNetwork = metadataValue(set, "loss_network", file);
    style.paintingName = metadataValue(set, "painting", file);
    try {
        style.settings = settingsFromJson(metadataValue(set, "settings", file));
        style.steps = std::stoi(metadataValue(set, "steps", file));
    } catch (const std::exception& error) {
        throw Error(file + " has unreadable training settings: " + error.what());
    }

    const WeightTensor thumbnail = set.take(kThumbnail);
    if (thumbnail.shape.size() != 3 || thumbnail.shape[2] != 3 || thumbnail.shape[0] < 1 ||
        thumbnail.shape[1] < 1 || thumbnail.shape[0] > kThumbnailSide ||
        thumbnail.shape[1] > kThumbnailSide) {
        throw Error(file + " has a thumbnail of the wrong shape");
    }
    style.thumbnail =
        Image(static_cast<int>(thumbnail.shape[1]), static_cast<int>(thumbnail.shape[0]));
    style.thumbnail.rgb = thumbnail.values;

    std::map<std::string, at::Tensor> parameters;
    std::map<std::string, at::Tensor> firstMoments;
    std::map<std::string, at::Tensor> secondMoments;
    for (auto& [name, weight] : set.tensors) {
        for (float value : weight.values) {
            if (!std::isfinite(value)) {
                throw Error(file + " is damaged: the tensor " + name + " holds a value that is " +
                            "not a number");
            }
        }
        if (name.starts_with(kFirstMoment)) {
            firstMoments[name.substr(std::strlen(kFirstMoment))] = toTensor(weight);
        } else if (name.starts_with(kSecondMoment)) {
            secondMoments[name.substr(std::strlen(kSecondMoment))] = toTensor(weight);
        } else {
            parameters[name] = toTensor(weight);
        }
    }
    try {
        style.network = std::make_shared<TransformNetwork>(*width, std::move(parameters));
    } catch (const Error& error) {
        throw Error(file + " is damaged: " + error.what());
    }
    if (!training) {
        return style;
    }
    const auto trainingJson = set.metadata.find("training");
    if (trainingJson == set.metadata.end()) {
        throw Error(file + " is a fast style, not a training checkpoint");
    }
    try {
        const nlohmann::json state = parseStrictJson(trainingJson->second);
        training->step = state.at("step").get<int>();
        training->seed = state.at("seed").get<uint64_t>();
        training->trainSize = state.at("trainSize").get<int>();
        training->batchSize = state.at("batchSize").get<int>();
        training->learningRate = state.at("learningRate").get<double>();
        training->trainedSeconds = state.value("trainedSeconds", 0.0);
        if (!(training->trainedSeconds >= 0.0)) {
            throw Error("the training time must be at least 0 seconds");
        }
    } catch (const std::exception& error) {
        throw Error(file + " has an unreadable training state: " + error.what());
    }
    for (const auto& [name, parameter] : style.network->parameters()) {
        if (!firstMoments.contains(name) || !secondMoments.contains(name) ||
            !firstMoments[name].sizes().equals(parameter.sizes()) ||
            !secondMoments[name].sizes().equals(parameter.sizes())) {
            throw Error(file + " is damaged: its optimiser state for " + name +
                        " is missing or misshapen");
        }
    }
    training->firstMoments = std::move(firstMoments);
    training->secondMoments = std::move(secondMoments);
    return style;
}

}  // namespace

void writeFastStyle(const std::filesystem::path& file, const FastStyle& style,
                    const TrainingState* training) {
    std::map<std::string, WeightTensor> tensors;
    for (const auto& [name, parameter] : style.network->parameters()) {
        tensors[name] = toWeight(parameter);
    }
    WeightTensor thumbnail;
    thumbnail.shape = {style.thumbnail.height(), style.thumbnail.width(), 3};
    thumbnail.values = style.thumbnail.rgb;
    tensors[kThumbnail] = std::move(thumbnail);
    std::map<std::string, std::string> metadata = {
        {"format", kFormat},
        {"format_version", std::to_string(kFastStyleFormatVersion)},
        {"width", std::to_string(style.network->width())},
        {"loss_network", style.lossNetwork},
        {"settings", toJson(style.settings)},
        {"painting", style.paintingName},
        {"steps", std::to_string(style.steps)}};
    if (training) {
        for (const auto& [name, moment] : training->firstMoments) {
            tensors[kFirstMoment + name] = toWeight(moment);
        }
        for (const auto& [name, moment] : training->secondMoments) {
            tensors[kSecondMoment + name] = toWeight(moment);
        }
        metadata["training"] = nlohmann::json{{"step", training->step},
                                              {"seed", training->seed},
                                              {"trainSize", training->trainSize},
                                              {"batchSize", training->batchSize},
                                              {"learningRate", training->learningRate},
                                              {"trainedSeconds", training->trainedSeconds}}
                                   .dump();
    }
    writeSafetensors(file, tensors, metadata);
}

FastStyle readFastStyle(const std::filesystem::path& file, TrainingState* training) {
    return fromTensorSet(readSafetensors(file), file.string(), training);
}

FastStyle readFastStyle(std::span<const uint8_t> bytes, const std::string& name,
                        TrainingState* training) {
    return fromTensorSet(readSafetensors(bytes, name), name, training);
}

}  // namespace impasto

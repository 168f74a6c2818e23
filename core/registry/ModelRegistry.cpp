#include "core/registry/ModelRegistry.h"

#include <QFile>
#include <QUrl>

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <utility>

#include "core/common/Error.h"
#include "core/common/RegularFile.h"
#include "core/common/StrictJson.h"
#include "core/common/Text.h"
#include "core/registry/ModelFolders.h"

namespace impasto {

namespace {

using nlohmann::json;

constexpr int supportedSchemaVersion = 1;
constexpr std::array<std::string_view, 3> architectures{"vgg19", "vgg16", "squeezenet1_1"};
constexpr std::array<std::string_view, 2> formats{"caffemodel", "safetensors"};
constexpr std::array<std::string_view, 13> entryFields{
    "name",    "title",         "architecture", "url",           "fileName",
    "format",  "sizeBytes",     "sha256",       "preprocessing", "layers",
    "license", "contentLayers", "styleLayers"};

template <size_t N>
std::string listed(const std::array<std::string_view, N>& words) {
    return join(std::vector<std::string>(words.begin(), words.end()), ", ");
}

bool isNameCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool isLowercaseHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// Reads the fields of one manifest entry; every failure names the manifest, the entry and the
// field, so that whoever edits the manifest can find the mistake.
class EntryReader {
public:
    EntryReader(const json& entry, const std::string& manifest, size_t index)
        : entry_(entry),
          manifest_(manifest),
          where_(manifest + ", entry " + std::to_string(index + 1)) {}

    // Once the entry's name is known, messages use it rather than the entry's position.
    void identify(const std::string& name) { where_ = manifest_ + ", entry \"" + name + "\""; }

    [[noreturn]] void fail(std::string_view field, const std::string& problem) const {
        throw Error(where_ + ": \"" + std::string(field) + "\" " + problem);
    }

    void rejectUnknownFields() const {
        for (const auto& [field, unused] : entry_.items()) {
            if (std::find(entryFields.begin(), entryFields.end(), field) == entryFields.end()) {
                fail(field, "is not a known field (expected " + listed(entryFields) + ")");
            }
        }
    }

    std::string text(std::string_view field, bool mayBeEmpty = false) const {
        const json& value = required(field);
        if (!value.is_string()) {
            fail(field, "must be a string");
        }
        std::string result = value.get<std::string>();
        if (result.empty() && !mayBeEmpty) {
            fail(field, "must not be empty");
        }
        return result;
    }

    template <size_t N>
    std::string oneOf(std::string_view field,
                      const std::array<std::string_view, N>& allowed) const {
        std::string result = text(field);
        if (std::find(allowed.begin(), allowed.end(), result) == allowed.end()) {
            fail(field, "is \"" + result + "\"; expected one of " + listed(allowed));
        }
        return result;
    }

    int64_t byteCount(std::string_view field) const {
        const json& value = required(field);
        // Whole values up to 2^53 (exact as doubles, far beyond any model), also as 1234.0.
        const double number = value.is_number() ? value.get<double>() : -1.0;
        if (number < 0.0 || number > 9007199254740992.0 || std::floor(number) != number) {
            fail(field, "must be a whole number of bytes (0 when unknown)");
        }
        return static_cast<int64_t>(number);
    }

    std::vector<std::string> names(std::string_view field) const {
        const json& value = required(field);
        if (!value.is_array() || value.empty()) {
            fail(field, "must be a non-empty list of layer names");
        }
        std::vector<std::string> result;
        for (const json& item : value) {
            if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
                fail(field, "must contain only non-empty strings");
            }
            const std::string name = item.get<std::string>();
            if (std::find(result.begin(), result.end(), name) != result.end()) {
                fail(field, "lists \"" + name + "\" twice");
            }
            result.push_back(name);
        }
        return result;
    }

private:
    const json& required(std::string_view field) const {
        const auto value = entry_.find(field);
        if (value == entry_.end()) {
            fail(field, "is missing");
        }
        return *value;
    }

    const json& entry_;
    const std::string manifest_;
    std::string where_;
};

RegisteredModel readEntry(EntryReader& reader) {
    RegisteredModel model;
    model.name = reader.text("name");
    if (!std::all_of(model.name.begin(), model.name.end(), isNameCharacter)) {
        reader.fail("name", "must use only lowercase letters, digits, '.', '_' and '-'");
    }
    reader.identify(model.name);
    reader.rejectUnknownFields();

    model.title = reader.text("title");
    model.architecture = reader.oneOf("architecture", architectures);

    model.url = reader.text("url");
    const QUrl url(QString::fromStdString(model.url), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != "http" && url.scheme() != "https") ||
        url.host().isEmpty()) {
        reader.fail("url", "must be an http or https URL");
    }

    model.fileName = reader.text("fileName");
    // The name is joined to every model folder: it must not climb out of them.
    if (model.fileName.find('/') != std::string::npos || model.fileName == "." ||
        model.fileName == "..") {
        reader.fail("fileName", "must be a bare file name, without folders");
    }

    model.format = reader.oneOf("format", formats);
    model.sizeBytes = reader.byteCount("sizeBytes");

    model.sha256 = reader.text("sha256", true);
    if (!model.sha256.empty() &&
        (model.sha256.size() != 64 ||
         !std::all_of(model.sha256.begin(), model.sha256.end(), isLowercaseHex))) {
        reader.fail("sha256", "must be 64 lowercase hexadecimal digits, or empty when unknown");
    }

    model.preprocessing = reader.text("preprocessing");
    model.layers = reader.names("layers");
    model.license = reader.text("license");
    model.contentLayers = reader.names("contentLayers");
    model.styleLayers = reader.names("styleLayers");
    for (const auto& [field, chosen] :
         {std::pair{"contentLayers", &model.contentLayers}, {"styleLayers", &model.styleLayers}}) {
        for (const std::string& layer : *chosen) {
            if (std::find(model.layers.begin(), model.layers.end(), layer) == model.layers.end()) {
                reader.fail(field, "names \"" + layer + "\", which is not among \"layers\"");
            }
        }
    }
    return model;
}

}  // namespace

ModelRegistry::ModelRegistry(std::filesystem::path manifestFile,
                             std::vector<RegisteredModel> models)
    : manifestFile_(std::move(manifestFile)), models_(std::move(models)) {}

ModelRegistry ModelRegistry::loadBuiltIn() {
    return load(activeManifestFile());
}

ModelRegistry ModelRegistry::load(const std::filesystem::path& manifestFile) {
    const std::string where = "Model manifest " + manifestFile.string();
    QFile file(QString::fromStdString(manifestFile.string()));
    if (!file.open(QIODevice::ReadOnly)) {
        throw Error("Cannot read model manifest " + manifestFile.string() + ": " +
                    file.errorString().toStdString());
    }
    const QByteArray bytes = file.readAll();

    json root;
    try {
        // nlohmann's messages give the line and column.
        root = parseStrictJson(std::string_view(bytes.constData(), bytes.size()));
    } catch (const JsonError& error) {
        throw Error(where + " is not valid JSON: " + error.what());
    }
    if (!root.is_object()) {
        throw Error(where + " must hold a JSON object");
    }
    for (const auto& [key, unused] : root.items()) {
        if (key != "schemaVersion" && key != "models") {
            throw Error(where + ": \"" + key +
                        "\" is not a known field (expected schemaVersion, models)");
        }
    }
    const auto version = root.find("schemaVersion");
    if (version == root.end() || !version->is_number() ||
        version->get<double>() != supportedSchemaVersion) {
        throw Error(where + ": \"schemaVersion\" must be " +
                    std::to_string(supportedSchemaVersion) +
                    " (a manifest from another version of Impasto?)");
    }
    const auto entries = root.find("models");
    if (entries == root.end() || !entries->is_array()) {
        throw Error(where + ": \"models\" must be a list of model entries");
    }

    std::vector<RegisteredModel> models;
    std::set<std::string> names;
    for (size_t index = 0; index < entries->size(); ++index) {
        const json& entry = (*entries)[index];
        if (!entry.is_object()) {
            throw Error(where + ", entry " + std::to_string(index + 1) + " must be a JSON object");
        }
        EntryReader reader(entry, where, index);
        RegisteredModel model = readEntry(reader);
        if (!names.insert(model.name).second) {
            throw Error(where + ": two entries are named \"" + model.name + "\"");
        }
        models.push_back(std::move(model));
    }
    return ModelRegistry(manifestFile, std::move(models));
}

std::vector<std::string> ModelRegistry::names() const {
    std::vector<std::string> result;
    for (const RegisteredModel& model : models_) {
        result.push_back(model.name);
    }
    return result;
}

const RegisteredModel* ModelRegistry::find(const std::string& name) const {
    const auto found =
        std::find_if(models_.begin(), models_.end(),
                     [&](const RegisteredModel& model) { return model.name == name; });
    return found == models_.end() ? nullptr : &*found;
}

const RegisteredModel& ModelRegistry::get(const std::string& name) const {
    if (const RegisteredModel* model = find(name)) {
        return *model;
    }
    throw Error(unknownModel(name));
}

std::string ModelRegistry::unknownModel(const std::string& name) const {
    return "Unknown model \"" + name + "\": not a registered model (" + join(names(), ", ") + ")";
}

std::vector<std::filesystem::path> ModelRegistry::searchPath() const {
    std::vector<std::filesystem::path> folders = environmentModelFolders();
    folders.push_back(userModelsFolder());
    folders.push_back(manifestFile_.parent_path());
    return folders;
}

std::optional<std::filesystem::path> ModelRegistry::locate(const RegisteredModel& model) const {
    for (const std::filesystem::path& folder : searchPath()) {
        std::error_code error;
        std::filesystem::path candidate = folder / model.fileName;
        if (std::filesystem::is_regular_file(candidate, error)) {
            return candidate;
        }
    }
    return std::nullopt;
}

std::variant<RegisteredModel, std::filesystem::path> ModelRegistry::resolveModelArgument(
    const std::string& text) const {
    if (const RegisteredModel* model = find(text)) {
        return *model;
    }
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(text, error);
    if (!text.empty() && std::filesystem::is_regular_file(status)) {
        return std::filesystem::path(text);
    }
    if (!text.empty() && status.type() != std::filesystem::file_type::not_found) {
        // A path that is no file (a pipe, a device, a folder) or cannot be looked at (a loop of
        // symbolic links): opening it as a file says which, better than "unknown model".
        const RegularFile opened(text);
        return std::filesystem::path(text);
    }
    throw Error(unknownModel(text) + " and not a file");
}

}  // namespace impasto

#include "core/registry/ModelFolders.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/common/Error.h"
#include "core/common/Text.h"

namespace impasto {

namespace {

std::filesystem::path homeFolder() {
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') {
        return home;
    }
    // Services and sandboxes sometimes run without HOME; the password database still knows.
    if (const passwd* entry = ::getpwuid(::getuid());
        entry != nullptr && entry->pw_dir != nullptr) {
        return entry->pw_dir;
    }
    throw Error("Cannot find the user's model folder: neither XDG_DATA_HOME nor HOME is set");
}

}  // namespace

std::vector<std::filesystem::path> environmentModelFolders() {
    std::vector<std::filesystem::path> folders;
    const char* value = std::getenv("IMPASTO_MODEL_PATH");
    if (value == nullptr) {
        return folders;
    }
    std::string_view rest = value;
    while (!rest.empty()) {
        const size_t colon = rest.find(':');
        const std::string_view entry = rest.substr(0, colon);
        if (!entry.empty()) {
            folders.emplace_back(entry);
        }
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
    return folders;
}

std::filesystem::path userModelsFolder() {
    // The XDG specification says to ignore an empty or relative XDG_DATA_HOME.
    const char* dataHome = std::getenv("XDG_DATA_HOME");
    if (dataHome != nullptr && std::filesystem::path(dataHome).is_absolute()) {
        return std::filesystem::path(dataHome) / "impasto" / "models";
    }
    return homeFolder() / ".local" / "share" / "impasto" / "models";
}

std::filesystem::path activeManifestFile() {
    const char* chosen = std::getenv("IMPASTO_REGISTRY");
    if (chosen && *chosen) {
        return chosen;
    }
    return builtInModelsFolder() / manifestFileName;
}

std::filesystem::path builtInModelsFolder() {
    std::error_code error;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) {
        throw Error("Cannot find the running program (/proc/self/exe), so not the model manifest " +
                    std::string(manifestFileName) + " either");
    }
    // An installed program only ever looks beside itself; the source tree is for programs run
    // from the build folder, so that an installed copy never picks up a stale checkout.
    // /proc/self/exe has every symbolic link resolved; so must the build folder it is compared to.
    const std::filesystem::path buildFolder =
        std::filesystem::weakly_canonical(IMPASTO_BUILD_DIR, error);
    const bool runFromBuildFolder =
        !buildFolder.empty() &&
        std::mismatch(buildFolder.begin(), buildFolder.end(), executable.begin(), executable.end())
                .first == buildFolder.end();
    const std::filesystem::path folder =
        runFromBuildFolder
            ? std::filesystem::path(IMPASTO_SOURCE_MODELS_DIR)
            : (executable.parent_path() / ".." / IMPASTO_INSTALLED_MODELS_DIR).lexically_normal();
    if (!std::filesystem::is_regular_file(folder / manifestFileName, error)) {
        throw Error("Cannot find the model manifest " + std::string(manifestFileName) + " in " +
                    folder.string());
    }
    return folder;
}

}  // namespace impasto

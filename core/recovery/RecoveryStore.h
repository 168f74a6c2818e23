#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/image/Image.h"
#include "core/settings/StyleSettings.h"

namespace impasto {

// A run saved by RecoveryStore, ready to be continued: the image it had reached, its settings
// and the files it was made from.
struct RecoveredRun {
    Image image;
    StyleSettings settings;
    std::filesystem::path contentFile;  // empty for texture synthesis
    std::vector<std::filesystem::path> styleFiles;
    int iteration = 0;
    std::chrono::system_clock::time_point savedAt;
};

// A manifest's text read into a run without its image, and the image slot it names: nullopt when
// anything in it is missing, of the wrong type or out of range (a time the clock cannot hold, an
// iteration beyond int, settings that validate() refuses). Public for the fuzz target.
struct RecoveryManifest {
    RecoveredRun run;
    std::string imageFile;
};
std::optional<RecoveryManifest> parseRecoveryManifest(std::string_view text);

// Autosave of the running image, so that a crash or a power cut loses only the last few
// seconds. A save writes the image as a 16-bit PNG, then a small JSON manifest naming it; both
// are replaced atomically and the manifest comes last, so the manifest on disk always names a
// complete image (two image slots alternate, and the one the manifest names is never
// overwritten). Each save costs one PNG encode plus two fsyncs: call it every few seconds from
// the thread that owns the image. Not thread-safe; one store per folder.
class RecoveryStore {
public:
    // $XDG_STATE_HOME/impasto/recovery, or ~/.local/state/impasto/recovery.
    static std::filesystem::path defaultFolder();

    explicit RecoveryStore(std::filesystem::path folder = defaultFolder());

    const std::filesystem::path& folder() const { return folder_; }

    // Creates the folder when needed. Throws impasto::Error when it cannot be written; the
    // previous save then stays the one offered.
    void save(const Image& current, const StyleSettings& settings,
              const std::filesystem::path& contentFile,
              const std::vector<std::filesystem::path>& styleFiles, int iteration);
    // The last complete save, or nullopt when there is none or it is damaged in any way (a
    // damaged save is not worth a crash or an error dialog at startup).
    std::optional<RecoveredRun> load() const;
    // Forgets the saved run (after the artist restored or declined it, or finished the run).
    void discard();

private:
    std::filesystem::path folder_;
    // The image slot the next save writes: never the one the manifest on disk names.
    std::string nextImage_;
};

}  // namespace impasto

#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ui/session/SnapshotStore.h"

namespace impasto::ui {

// The snapshot history on disk beside the autosave, so that a restore after a crash brings the
// history back too: each snapshot one PNG (named by its id) with its settings, iteration, run
// and starting file stored in the file, and the name of its masks' file: the snapshots of one
// set of masks share one file (EmbeddedMasks.h's chunk stream), written once, and read back
// into one shared copy. Written atomically; a file that cannot be read back is skipped (not
// worth an error at startup); a masks file that cannot be read costs only the masks. Used on the
// worker's thread.
class SnapshotArchive {
public:
    explicit SnapshotArchive(std::filesystem::path folder);

    // Throws impasto::Error when the file cannot be written.
    void keep(int id, const Snapshot& snapshot);
    // In the order they were kept.
    std::vector<Snapshot> load() const;
    void discard();

private:
    // The name of the masks' file, written if this archive has not written these masks yet.
    std::string masksFileKey(const std::shared_ptr<const MaskSet>& masks);

    std::filesystem::path folder_;
    std::map<std::string, std::shared_ptr<const MaskSet>> written_;  // each name's masks
};

}  // namespace impasto::ui

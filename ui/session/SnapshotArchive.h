#pragma once

#include <filesystem>
#include <vector>

#include "ui/session/SnapshotStore.h"

namespace impasto::ui {

// The snapshot history on disk beside the autosave, so that a restore after a crash brings the
// history back too: each snapshot one PNG (named by its id) with its settings, iteration, run,
// starting file and masks stored in the file. Written once per snapshot, atomically; a file that
// cannot be read back is skipped (not worth an error at startup). Used on the worker's thread.
class SnapshotArchive {
public:
    explicit SnapshotArchive(std::filesystem::path folder);

    // Throws impasto::Error when the file cannot be written.
    void keep(int id, const Snapshot& snapshot);
    // In the order they were kept.
    std::vector<Snapshot> load() const;
    void discard();

private:
    std::filesystem::path folder_;
};

}  // namespace impasto::ui

#include "ui/session/SnapshotStore.h"

#include <utility>

namespace impasto::ui {

bool SnapshotStore::dueAt(int iteration) const {
    return interval_ > 0 && iteration > 0 && iteration % interval_ == 0;
}

int SnapshotStore::add(Snapshot snapshot) {
    const int id = nextId_++;
    snapshots_.emplace(id, std::move(snapshot));
    return id;
}

const Snapshot* SnapshotStore::find(int id) const {
    const auto found = snapshots_.find(id);
    return found == snapshots_.end() ? nullptr : &found->second;
}

}  // namespace impasto::ui

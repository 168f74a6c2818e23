#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/image/Image.h"
#include "core/image/MaskSet.h"
#include "core/settings/StyleSettings.h"

namespace impasto::ui {

// The file a run started from (settings "init": "image"), named in its export's recipe
// (RunInputs::initImage).
struct StartFile {
    std::string path;
    bool fastStyle = false;  // a fast style, whose result on the photo was the start

    bool operator==(const StartFile&) const = default;
};

// A picture kept from a run, full size, to view, export or continue from later.
struct Snapshot {
    Image image;
    int iteration = 0;
    StyleSettings settings;  // what made it, embedded when it is exported
    int run = 0;             // which run of this window it belongs to (1, 2, ...)
    // The masks and start that made it, embedded when it is exported. The masks are shared by
    // the snapshots made with the same ones and never changed in place; nullptr: those of now.
    std::shared_ptr<const MaskSet> masks{};
    std::optional<StartFile> start{};
};

// The run's snapshots by id, and when the next automatic one is due. The strip in the window
// holds only thumbnails and ids; the full images stay here, on the worker's thread.
class SnapshotStore {
public:
    // A snapshot every `interval` iterations; 0: none.
    void setInterval(int interval) { interval_ = interval; }
    bool dueAt(int iteration) const;

    // Keeps `snapshot`; returns its id (1, 2, ...; never reused).
    int add(Snapshot snapshot);
    // nullptr when no snapshot has `id`.
    const Snapshot* find(int id) const;
    // All of them, by id (the order they were taken in).
    const std::map<int, Snapshot>& all() const { return snapshots_; }

private:
    int interval_ = 0;
    int nextId_ = 1;
    std::map<int, Snapshot> snapshots_;
};

}  // namespace impasto::ui

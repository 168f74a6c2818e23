#pragma once

#include <QCoreApplication>
#include <QString>

#include <filesystem>
#include <optional>

#include "core/image/Image.h"
#include "core/recovery/RecoveryStore.h"
#include "core/settings/StyleSettings.h"
#include "ui/session/MaskSet.h"
#include "ui/session/RunAutosave.h"
#include "ui/session/SnapshotArchive.h"

namespace impasto::ui {

// A run that an earlier instance autosaved and never exported, as the restore offer shows it.
struct RecoveryOffer {
    QString description;  // when it was saved, from which photo, at which iteration
    Image thumbnail;
};

// Everything about surviving a crash: autosaves the running image (through RunAutosave) and the
// snapshot history (through SnapshotArchive, in the folder's "history"), and offers, restores or
// discards the run an earlier instance left. Plain values in and out; the
// worker decides when to call and what to signal.
class RecoveryCoordinator {
    Q_DECLARE_TR_FUNCTIONS(RecoveryCoordinator)

public:
    // The XDG state folder, or the temporary folder for a user without a home folder.
    static std::filesystem::path defaultFolder();

    explicit RecoveryCoordinator(std::filesystem::path folder = defaultFolder());

    // The inputs an autosave names, so that a restore can load them again; an empty name is an
    // image without a file (pasted), which a restore cannot bring back.
    void setContentFile(const QString& file);
    void addStyleFile(const QString& file);
    void removeStyleFile(int index);
    RunInputs inputFiles() const { return autosave_.inputFiles(); }

    // For a worker whose runs are not the user's picture (a batch): from now on nothing is
    // written or discarded, so the window's autosave, masks and history stay as they are.
    void keepNothing() { keepingNothing_ = true; }

    // Whether autosave() would write now: lets the caller skip making the image.
    bool autosaveDue(bool now) const;
    // Saves the running image when the interval has passed, or `now` (at a pause or a stop).
    // Returns the failure to report: only the first of a row, so a full disk is said once.
    std::optional<QString> autosave(const Image& image, const StyleSettings& settings,
                                    int iteration, bool now);
    // Keeps the run's masks beside the autosave (MaskFilesBeside); returns the failure to
    // report, if any.
    std::optional<QString> saveMasks(const MaskSet& masks);
    // The result is safe in an exported file: the autosave and the history are dropped.
    void resultExported();
    // Keeps a new snapshot in the history; returns the failure to report, if any.
    std::optional<QString> keepSnapshot(int id, const Snapshot& snapshot);

    // Reads the run an earlier instance left and keeps it for restore(); nullopt when there is
    // none or it cannot be read (not worth an error at startup). The offer's thumbnail is at
    // most `thumbnailSide` pixels on its longest side.
    std::optional<RecoveryOffer> offer(int thumbnailSide);
    // The offered run, once.
    std::optional<RecoveredRun> restore();
    // The history the offered run's instance kept, oldest first, once (the caller keeps it
    // again under its own ids); empty after discard().
    std::vector<Snapshot> restoreHistory();
    // The offered run's masks for its `paintings` paintings (an empty set when it had none or
    // they cannot be read), once.
    MaskSet restoreMasks(int paintings);
    // Forgets the offered run and the autosave.
    void discard();

private:
    std::filesystem::path masksBeside_;  // the masks' files are named after it
    RunAutosave autosave_;
    SnapshotArchive archive_;
    std::optional<RecoveredRun> offered_;
    bool keepingNothing_ = false;
};

}  // namespace impasto::ui

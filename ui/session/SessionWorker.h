#pragma once

#include <QImage>
#include <QList>
#include <QObject>
#include <QSize>
#include <QString>
#include <QStringList>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/image/Image.h"
#include "core/model/PrecisionChoice.h"
#include "core/settings/StyleSettings.h"
#include "ui/session/FrameThrottle.h"
#include "ui/session/MaskSet.h"
#include "ui/session/ModelSummary.h"
#include "ui/session/RecoveryCoordinator.h"
#include "ui/session/RunState.h"
#include "ui/session/SessionFrame.h"
#include "ui/session/SessionInputs.h"
#include "ui/session/SettingsMailbox.h"
#include "ui/session/SnapshotStore.h"

namespace impasto {
class StyleSession;
struct FastStyle;
}  // namespace impasto

namespace impasto::ui {

// Owns the style session and everything heavy behind it (the model, the decoded inputs, the
// snapshots' full images). A QObject that lives on a QThread of its own (SessionController's):
// a run steps the session one iteration per queued call to itself, so requests the UI queued
// meanwhile (an added painting, a snapshot, a pause) run between two steps. Apart from the
// three thread-safe methods below, call its methods on its thread only
// (SessionController::post()); results leave as signals, queued to receivers on other threads.
class SessionWorker : public QObject {
    Q_OBJECT

public:
    // Thumbnails are made `thumbnailSide` pixels on their longest side (device pixels).
    explicit SessionWorker(int thumbnailSide, QObject* parent = nullptr);
    ~SessionWorker() override;

    // Thread-safe. Keeps only the newest settings until the worker takes them, between two
    // steps or at once when no run is going: stale ones are dropped unseen. Returns their
    // revision, which frames and settingsApplied carry.
    int submitSettings(const StyleSettings& settings);
    // Thread-safe. The masks of the run (MaskSet), taken like settings: between two steps, the
    // newest only. Returns their revision.
    int submitMasks(MaskSet masks);
    // Thread-safe. Stops a step or preparation in progress at its next checkpoint; the command
    // queued after it (pause, stop, shutdown) says what happens next.
    void interrupt();
    // Thread-safe. The UI took the last frame: the next one may be sent.
    void frameConsumed();

    void loadModel(const QString& nameOrFile);
    void loadContent(const QString& file);
    void loadContentImage(const QImage& image, const QString& name);
    void clearContent();
    void addStyle(const QString& file);
    void addStyleImage(const QImage& image, const QString& name);
    void removeStyle(int index);
    // Sends paintingShown with painting `index` at most kComparisonSide px on its longest side,
    // for its source region to be painted over (an index out of range: nothing).
    void showPainting(int index);
    // Every painting removed, then `files` added in order (a preset's own paintings): one job,
    // so that it acts on the paintings the worker has, whatever else is queued before it.
    void replaceStyles(const QStringList& files);
    // The picture in `file` as the start (initImageLoaded); one that does not read: startDropped.
    void loadInitImage(const QString& file);
    // Stylises the photo at the output size with the fast style in `file` (one forward pass)
    // and makes that the starting image, kept as a snapshot and shown: Export writes it, Start
    // (from the image) and Resume refine it. A file that does not read is reported by loadFailed.
    void applyFastStyle(const QString& file);
    // Makes the fast style in `file`'s result on the photo the starting image, as a recipe
    // that started from it names it (a loaded preset): nothing is kept or shown but the start
    // (fastStyleStartMade). Without a photo, or with a file that does not read: startDropped.
    void startFromFastStyle(const QString& file);
    // Sends inputsShared with this worker's model, paintings, settings and masks.
    void shareInputs();
    // Takes another worker's inputs (shareInputs) for runs that are not the user's picture (a
    // batch): nothing is autosaved, and the window's autosave and history are left alone.
    void adoptInputs(const impasto::ui::SharedSessionInputs& inputs);

    // Begins a run from the initial image; iterates until `iterationTarget`.
    void start(int iterationTarget);
    // Goes on from the current image until `iterationTarget`.
    void resume(int iterationTarget);
    void pause();
    void stop();
    void setIterationTarget(int iterationTarget);

    // Every `interval` iterations (0: never) a snapshot is kept.
    void setSnapshotInterval(int interval);
    // Caps what the network's tensors may hold at once (0: no cap); process-wide, like the
    // CLI's --memory-limit (core/model/TensorMemoryLimit.h).
    void setMemoryLimitMiB(int mebibytes);
    void takeSnapshot();
    void showSnapshot(int id);
    // Goes on from the snapshot's image and iteration count for `iterations` more.
    void continueFromSnapshot(int id, int iterations);

    // The run autosaved by a previous instance that ended before its result was exported:
    // offerRecovery() announces it (recoveryAvailable), restoreRecovery() reloads its files and
    // settings and keeps its image as a snapshot to view, export or continue from; with a model
    // loaded the run is also where the session goes on from (Export and Continue work at once).
    void offerRecovery();
    void restoreRecovery();
    void discardRecovery();

    // Writes the current image (settled first) or a snapshot as PNG, settings embedded. A written
    // export also drops the autosave: the work is safe in the file.
    void exportImage(const QString& file, int bitDepth);
    void exportSnapshot(int id, const QString& file, int bitDepth);

    // At most one frame every this many milliseconds while running.
    static constexpr int kFrameIntervalMs = 100;
    // Longest side of the content image kept for the before/after comparison.
    static constexpr int kComparisonSide = 1024;

Q_SIGNALS:
    void modelLoaded(const impasto::ui::ModelSummary& model);
    void contentLoaded(const QString& name, const QImage& thumbnail, const QImage& comparison,
                       QSize fullSize);
    void contentCleared();
    void styleAdded(const QString& name, const QImage& thumbnail, QSize fullSize);
    void styleRemoved(int index);
    void paintingShown(int index, const QImage& picture);
    void initImageLoaded(const QString& name);
    // applyFastStyle made the starting image; `painting` names the style's painting.
    void fastStyleApplied(const QString& painting);
    // startFromFastStyle made the starting image; `painting` names the style's painting.
    void fastStyleStartMade(const QString& painting);
    // The file the starting image comes from, as a recipe names it (empty: none, or not a
    // file): a picture, or a fast style whose result on the photo it is.
    void startFileChanged(const QString& file, bool fastStyle);
    // A file could not be loaded; nothing changed.
    void loadFailed(const QString& message);
    // loadInitImage or startFromFastStyle could not make the start: there is none now, and
    // the run starts from the photo.
    void startDropped(const QString& message);
    // The model could not be loaded; the previous one, if any, stays.
    void modelLoadFailed(const QString& message);
    // What the preparation is computing: ("content", 0, 1), then ("style", i, n).
    void preparing(const QString& stage, int done, int total);
    void frameReady(const impasto::ui::SessionFrame& frame);
    // Settings took effect: as the session holds them (model defaults filled in), its counters
    // after the first step with them (or at once when not running), and the iteration.
    void settingsApplied(const impasto::StyleSettings& settings,
                         const impasto::SessionCounters& counters, int iteration, int revision);
    // New masks took effect, like settingsApplied: `masks` as the session holds them now.
    void masksApplied(const impasto::ui::MaskSet& masks, int iteration, int revision);
    void stateChanged(impasto::ui::RunState state);
    // The engine refused the settings or failed a step; the run is paused or stopped, usable.
    void runFailed(const QString& message);
    // `run` numbers the runs of this window (1, 2, ...); `settings` made the picture.
    void snapshotTaken(int id, const QImage& thumbnail, int iteration, int run,
                       const impasto::StyleSettings& settings);
    void snapshotShown(int id, const QImage& image, int iteration);
    void exported(const QString& file);
    void exportFailed(const QString& message);
    void recoveryAvailable(const QString& description, const QImage& thumbnail);
    // The settings of a restored run, for the parameter panel to show (and send back).
    void settingsRestored(const impasto::StyleSettings& settings);
    // The masks of a restored run, for the mask mode to show (and send back).
    void masksRestored(const impasto::ui::MaskSet& masks);
    // The restored run is the session's image now, stopped at `iteration`.
    void runRestored(int iteration);
    // The running image could not be autosaved (said once until a save works again).
    void autosaveFailed(const QString& message);
    // The precision the convolutions run in and why ("bfloat16", "auto: measured 3.1x as fast
    // as float32 on this CPU"): after a model loads and whenever the settings change it.
    void precisionChosen(const QString& precision, const QString& reason);
    // With a photo and no painting: how the run rebuilds the photo ("Feature inversion (no
    // paintings): from noise, content layer fire3"); empty when paintings are back.
    void featureInversionChosen(const QString& description);
    // How the current stage's loss is evaluated when that is worth saying ("Tiled: 2 x 2 tiles
    // of 64 px (--tile 64)", StyleSession::tiling()), sent with the stage's first frame; empty
    // when it is one whole image again.
    void tilingChosen(const QString& tiling);
    void inputsShared(const impasto::ui::SharedSessionInputs& inputs);
    // adoptInputs() is done: the worker can run.
    void inputsAdopted();
    // The run was lengthened to `target` iterations (why: in words for the status bar).
    void iterationTargetRaised(int target, const QString& why);

private:
    // The inputs, each handed to the session on its own so that only what depends on it is
    // recomputed: a painting more recomputes the style targets, never the content's.
    enum class Input { Content, Styles, InitImage };

    void stepOnce();
    void scheduleStep();
    void run(int iterationTarget, bool fromStart);
    void setState(RunState state);
    // Applies the newest submitted settings, if any. False when the session refused them.
    // Posted from any thread: takes the mailbox's newest settings on the worker's thread unless a
    // run is going (which takes them at its next step).
    void takeSettingsWhenIdle();
    bool takeSettings();
    // The settings the session can use now: no blend list that disagrees with the styles, no
    // content initialisation without content, no init image that was never loaded.
    StyleSettings effectiveSettings() const;
    // effectiveSettings() for `session`'s model: with a photo and no painting, feature inversion
    // (see asFeatureInversion); sends featureInversionChosen when that changes.
    StyleSettings settingsFor(const StyleSession& session);
    // Hands settingsFor() and the masks to the session; false (runFailed sent) when it refuses
    // them.
    bool applyToSession();
    // Hands the masks to `session` where they differ from those it holds (sessionMasks_):
    // unchanged masks are not sent again.
    void handMasksToSession(StyleSession& session);
    // Keeps the masks beside the autosave, so that a restore brings them back.
    void saveMasks();
    void reportSettings();
    // Sends precisionChosen when the session's precision differs from the one last sent.
    void reportPrecision();
    // Sends tilingChosen when the session's tiling differs from the one last sent.
    void reportTiling();
    void emitFrame(FrameThrottle::Timing timing);
    void recordSnapshot();
    // Keeps `snapshot` and sends its thumbnail; returns its id. Throws when the image cannot be
    // converted.
    int keepSnapshot(Snapshot snapshot);
    void autosave(bool now);
    // Writes `picture` with its recipe and masks (the masks of now when it has none).
    void writePng(const QString& file, const Snapshot& picture, int bitDepth);
    void handToSession(Input changed);
    // The photo stylised by `style` at the output size and full strength (the strength slider
    // blends it over the photo as it does a run's). Needs content_.
    Image stylisedPhoto(const FastStyle& style) const;
    // Clears the starting image and its file and sends startDropped.
    void dropStart(const QString& message);
    // Sets initFile_ and sends startFileChanged.
    void setStartFile(std::optional<StartFile> file);
    // `result` blended over the photo at the chosen strength (core/image/StrengthBlend.h), as
    // the preview shows it and exports write it.
    Image atStrength(const Image& result) const;
    bool requireSession(const char* action);
    // Runs `load` and reports an impasto::Error as loadFailed; true when it succeeded.
    template <typename Load>
    bool tryLoad(Load&& load);
    QImage thumbnailOf(const QImage& image) const;

    const int thumbnailSide_;

    // Guards the session pointer for interrupt() from other threads; only this thread replaces
    // it.
    mutable std::mutex sessionMutex_;
    std::unique_ptr<StyleSession> session_;
    QString modelName_;
    QString modelSource_;  // as loadModel() was given it

    std::optional<Image> content_;
    std::vector<Image> styles_;
    std::optional<Image> initImage_;
    std::optional<StartFile> initFile_;  // where initImage_ came from

    SettingsMailbox mailbox_;
    StyleSettings settings_;  // the newest taken from the mailbox
    MaskSet masks_;           // likewise
    // The last masks a snapshot took: snapshots made with the same masks share one copy.
    std::shared_ptr<const MaskSet> snapshotMasks_;
    MaskSet sessionMasks_;  // as the session holds them (one per painting)
    bool masksReportDue_ = false;
    int settingsRevision_ = 0;  // and their revision
    // The precision as last sent (an empty reason: nothing sent yet).
    PrecisionChoice reportedPrecision_;
    QString inversionNote_;  // as last sent by featureInversionChosen
    QString tilingNote_;     // as last sent by tilingChosen

    RunState state_ = RunState::Idle;
    int iterationTarget_ = 0;
    bool stepScheduled_ = false;
    bool started_ = false;  // the session has an image to show and export
    int runNumber_ = 0;     // of the newest run, for the snapshots' captions
    // The snapshot a restored run came back as, exported until the session steps from it.
    std::optional<int> restoredSnapshot_;

    FrameThrottle frameThrottle_;
    QList<LossPoint> unsentLosses_;
    double averageStepSeconds_ = 0.0;

    SnapshotStore snapshots_;
    RecoveryCoordinator recovery_;
};

}  // namespace impasto::ui

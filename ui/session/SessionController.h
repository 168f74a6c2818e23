#pragma once

#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>
#include <QThread>

#include "core/settings/StyleSettings.h"
#include "core/style/StyleSession.h"
#include "ui/session/ModelSummary.h"
#include "ui/session/RunState.h"
#include "ui/session/SessionFrame.h"

namespace impasto::ui {

class SessionWorker;

// The UI thread's side of the live loop: owns the worker's thread, forwards requests to it as
// queued calls (returning at once) and re-emits its results on the UI thread. Pause, stop,
// a new model and destruction also interrupt a step or preparation in progress, so they take
// effect within one iteration. Destroying the controller shuts the thread down cleanly, even
// during a run.
class SessionController : public QObject {
    Q_OBJECT

public:
    // Thumbnails are made `thumbnailSide` device pixels on their longest side.
    explicit SessionController(int thumbnailSide = 320, QObject* parent = nullptr);
    ~SessionController() override;

    void loadModel(const QString& nameOrFile);
    void loadContent(const QString& file);
    void loadContentImage(const QImage& image, const QString& name);
    void clearContent();
    void addStyle(const QString& file);
    void addStyleImage(const QImage& image, const QString& name);
    void removeStyle(int index);
    void loadInitImage(const QString& file);

    // The newest settings win: the worker drops those it had no time for. Returns their
    // revision, which frames and settingsApplied carry.
    int applySettings(const StyleSettings& settings);
    int settingsRevision() const { return revision_; }

    void start(int iterationTarget);
    void resume(int iterationTarget);
    void pause();
    void stop();
    void setIterationTarget(int iterationTarget);

    void setSnapshotInterval(int interval);
    void takeSnapshot();
    void showSnapshot(int id);
    void continueFromSnapshot(int id, int iterationTarget);

    void exportImage(const QString& file, int bitDepth);
    void exportSnapshot(int id, const QString& file, int bitDepth);

    // An autosaved run of an earlier instance: see SessionWorker::offerRecovery().
    void offerRecovery();
    void restoreRecovery();
    void discardRecovery();

    // The state the worker last reported.
    RunState state() const { return state_; }
    // For tests that must act on the worker's thread (a direct connection to `preparing`).
    SessionWorker* worker() const { return worker_; }

Q_SIGNALS:
    void modelLoaded(const impasto::ui::ModelSummary& model);
    void contentLoaded(const QString& name, const QImage& thumbnail, const QImage& comparison,
                       QSize fullSize);
    void contentCleared();
    void styleAdded(const QString& name, const QImage& thumbnail, QSize fullSize);
    void styleRemoved(int index);
    void initImageLoaded(const QString& name);
    void loadFailed(const QString& message);
    void modelLoadFailed(const QString& message);
    void preparing(const QString& stage, int done, int total);
    void frameReady(const impasto::ui::SessionFrame& frame);
    void settingsApplied(const impasto::StyleSettings& settings,
                         const impasto::SessionCounters& counters, int iteration, int revision);
    void stateChanged(impasto::ui::RunState state);
    void runFailed(const QString& message);
    void snapshotTaken(int id, const QImage& thumbnail, int iteration);
    void snapshotShown(int id, const QImage& image, int iteration);
    void exported(const QString& file);
    void exportFailed(const QString& message);
    void recoveryAvailable(const QString& description, const QImage& thumbnail);
    void settingsRestored(const impasto::StyleSettings& settings);
    void autosaveFailed(const QString& message);

private:
    // Runs `call` on the worker's thread, after the requests queued before it.
    template <typename Call>
    void queue(Call&& call);

    QThread thread_;
    SessionWorker* worker_;
    RunState state_ = RunState::Idle;
    int revision_ = 0;
};

}  // namespace impasto::ui

#pragma once

#include <QMetaObject>
#include <QObject>
#include <QString>
#include <QThread>

#include <chrono>
#include <utility>

#include "ui/session/RunState.h"
#include "ui/session/SessionWorker.h"

namespace impasto::ui {

// Runs a SessionWorker on a thread of its own. Receivers connect to worker()'s signals directly
// (they arrive queued on the receiver's thread). Commands reach the worker queued as well: the
// four below interrupt a step or preparation in progress first, so they take effect within one
// iteration; every other goes through post() or a queued connection to the worker's method.
// Destroying the controller interrupts the worker and joins its thread, even during a run; the
// worker is destroyed on that thread. A worker busy past kStopGrace in work it cannot interrupt
// is left behind instead (its thread finishes the work and deletes it): closing never hangs.
class SessionController : public QObject {
public:
    // Thumbnails are made `thumbnailSide` device pixels on their longest side.
    explicit SessionController(int thumbnailSide = 320, QObject* parent = nullptr);
    ~SessionController() override;

    // For connections, and for its thread-safe methods (submitSettings()); call the others
    // through post().
    SessionWorker& worker() const { return *worker_; }

    void loadModel(const QString& nameOrFile);
    void start(int iterationTarget);
    void pause();
    void stop();

    // Runs `call(worker())` on the worker's thread, after the requests queued before it.
    template <typename Call>
    void post(Call&& call) {
        QMetaObject::invokeMethod(
            worker_,
            [worker = worker_, call = std::forward<Call>(call)]() mutable { call(*worker); },
            Qt::QueuedConnection);
    }

    // The state the worker last reported, as this thread has received it.
    RunState state() const { return state_; }

    // How long destruction waits for the worker to stop.
    static constexpr std::chrono::milliseconds kStopGrace{800};
    // Whether a controller has left a busy worker behind: the process must then end without
    // static destructors (std::_Exit), which the worker may still be using.
    static bool anyWorkerAbandoned();
    // Quits `thread` (made without a parent) and deletes it once it ends within kStopGrace, else
    // leaves it behind, and so its worker, counted by anyWorkerAbandoned(). For every worker
    // thread of the app's, whose `work` the warning names.
    static void stopWorkerThread(QThread* thread, const char* work);

private:
    QThread* thread_;
    SessionWorker* worker_;
    RunState state_ = RunState::Idle;
};

}  // namespace impasto::ui

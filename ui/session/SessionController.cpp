#include "ui/session/SessionController.h"

#include <QDeadlineTimer>

#include <atomic>

namespace impasto::ui {

namespace {

std::atomic<bool> workerAbandoned{false};

}  // namespace

SessionController::SessionController(int thumbnailSide, QObject* parent)
    : QObject(parent), thread_(new QThread), worker_(new SessionWorker(thumbnailSide)) {
    worker_->moveToThread(thread_);
    thread_->setObjectName("StyleSession");
    // The worker, and with it the session and LibTorch's state, is destroyed on its own thread.
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    // Connected before any receiver, so these run first on this thread for each signal.
    connect(worker_, &SessionWorker::frameReady, this, [this] {
        // The frame is in this thread's hands, just ahead of its receivers: the worker may make
        // the next one.
        worker_->frameConsumed();
    });
    connect(worker_, &SessionWorker::stateChanged, this,
            [this](RunState state) { state_ = state; });
    thread_->start();
}

SessionController::~SessionController() {
    worker_->interrupt();
    stopWorkerThread(thread_, "style session");
}

void SessionController::stopWorkerThread(QThread* thread, const char* work) {
    thread->quit();
    if (thread->wait(QDeadlineTimer(kStopGrace))) {
        delete thread;
        return;
    }
    // Work without checkpoints (decoding a large image, reading a model) still holds the worker:
    // the thread is left to finish it and end, so that closing never waits on it.
    qWarning("The %s's worker did not stop within %lld ms; leaving it behind", work,
             static_cast<long long>(kStopGrace.count()));
    workerAbandoned = true;
}

bool SessionController::anyWorkerAbandoned() {
    return workerAbandoned;
}

void SessionController::loadModel(const QString& nameOrFile) {
    worker_->interrupt();
    post([nameOrFile](SessionWorker& worker) { worker.loadModel(nameOrFile); });
}

void SessionController::start(int iterationTarget) {
    worker_->interrupt();
    post([iterationTarget](SessionWorker& worker) { worker.start(iterationTarget); });
}

void SessionController::pause() {
    worker_->interrupt();
    post([](SessionWorker& worker) { worker.pause(); });
}

void SessionController::stop() {
    worker_->interrupt();
    post([](SessionWorker& worker) { worker.stop(); });
}

}  // namespace impasto::ui

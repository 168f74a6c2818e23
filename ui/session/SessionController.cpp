#include "ui/session/SessionController.h"

namespace impasto::ui {

SessionController::SessionController(int thumbnailSide, QObject* parent)
    : QObject(parent), worker_(new SessionWorker(thumbnailSide)) {
    worker_->moveToThread(&thread_);
    thread_.setObjectName("StyleSession");
    // The worker, and with it the session and LibTorch's state, is destroyed on its own thread.
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    // Connected before any receiver, so these run first on this thread for each signal.
    connect(worker_, &SessionWorker::frameReady, this, [this] {
        // The frame is in this thread's hands, just ahead of its receivers: the worker may make
        // the next one.
        worker_->frameConsumed();
    });
    connect(worker_, &SessionWorker::stateChanged, this,
            [this](RunState state) { state_ = state; });
    thread_.start();
}

SessionController::~SessionController() {
    worker_->interrupt();
    thread_.quit();
    thread_.wait();
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

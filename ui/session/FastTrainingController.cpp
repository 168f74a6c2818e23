#include "ui/session/FastTrainingController.h"

#include <QMetaObject>

#include "ui/session/SessionController.h"

namespace impasto::ui {

FastTrainingController::FastTrainingController(QObject* parent)
    : QObject(parent), thread_(new QThread), worker_(new FastTrainingWorker) {
    worker_->moveToThread(thread_);
    thread_->setObjectName("FastStyleTraining");
    // The trainer, and with it LibTorch's state, is destroyed on the thread that made it.
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_->start();
}

FastTrainingController::~FastTrainingController() {
    worker_->requestCancel();
    SessionController::stopWorkerThread(thread_, "fast style training");
}

void FastTrainingController::train(const FastTrainingRequest& request) {
    worker_->clearRequests();  // a late click of the last training's must not stop this one
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, request] { worker->train(request); }, Qt::QueuedConnection);
}

void FastTrainingController::pause() {
    worker_->requestPause();
}

void FastTrainingController::resume() {
    QMetaObject::invokeMethod(
        worker_, [worker = worker_] { worker->resume(); }, Qt::QueuedConnection);
}

void FastTrainingController::cancel() {
    worker_->requestCancel();
    // A paused training is not in its loop to see the flag: resuming lets it.
    resume();
}

}  // namespace impasto::ui

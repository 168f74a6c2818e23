#include "ui/session/SessionController.h"

#include <QMetaObject>

#include <utility>

#include "ui/session/SessionWorker.h"

namespace impasto::ui {

SessionController::SessionController(int thumbnailSide, QObject* parent)
    : QObject(parent), worker_(new SessionWorker(thumbnailSide)) {
    worker_->moveToThread(&thread_);
    thread_.setObjectName("StyleSession");
    // The worker, and with it the session and LibTorch's state, is destroyed on its own thread.
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);

    connect(worker_, &SessionWorker::modelLoaded, this, &SessionController::modelLoaded);
    connect(worker_, &SessionWorker::contentLoaded, this, &SessionController::contentLoaded);
    connect(worker_, &SessionWorker::contentCleared, this, &SessionController::contentCleared);
    connect(worker_, &SessionWorker::styleAdded, this, &SessionController::styleAdded);
    connect(worker_, &SessionWorker::styleRemoved, this, &SessionController::styleRemoved);
    connect(worker_, &SessionWorker::initImageLoaded, this, &SessionController::initImageLoaded);
    connect(worker_, &SessionWorker::loadFailed, this, &SessionController::loadFailed);
    connect(worker_, &SessionWorker::modelLoadFailed, this, &SessionController::modelLoadFailed);
    connect(worker_, &SessionWorker::preparing, this, &SessionController::preparing);
    connect(worker_, &SessionWorker::frameReady, this, [this](const SessionFrame& frame) {
        Q_EMIT frameReady(frame);
        // Shown (or dropped by the receivers): the worker may send the next one.
        worker_->frameConsumed();
    });
    connect(worker_, &SessionWorker::settingsApplied, this, &SessionController::settingsApplied);
    connect(worker_, &SessionWorker::stateChanged, this, [this](RunState state) {
        state_ = state;
        Q_EMIT stateChanged(state);
    });
    connect(worker_, &SessionWorker::runFailed, this, &SessionController::runFailed);
    connect(worker_, &SessionWorker::snapshotTaken, this, &SessionController::snapshotTaken);
    connect(worker_, &SessionWorker::snapshotShown, this, &SessionController::snapshotShown);
    connect(worker_, &SessionWorker::exported, this, &SessionController::exported);
    connect(worker_, &SessionWorker::exportFailed, this, &SessionController::exportFailed);
    connect(worker_, &SessionWorker::recoveryAvailable, this,
            &SessionController::recoveryAvailable);
    connect(worker_, &SessionWorker::settingsRestored, this, &SessionController::settingsRestored);
    connect(worker_, &SessionWorker::autosaveFailed, this, &SessionController::autosaveFailed);
    thread_.start();
}

SessionController::~SessionController() {
    worker_->interrupt();
    thread_.quit();
    thread_.wait();
}

template <typename Call>
void SessionController::queue(Call&& call) {
    QMetaObject::invokeMethod(worker_, std::forward<Call>(call), Qt::QueuedConnection);
}

void SessionController::loadModel(const QString& nameOrFile) {
    worker_->interrupt();
    queue([worker = worker_, nameOrFile] { worker->loadModel(nameOrFile); });
}

void SessionController::loadContent(const QString& file) {
    queue([worker = worker_, file] { worker->loadContent(file); });
}

void SessionController::loadContentImage(const QImage& image, const QString& name) {
    queue([worker = worker_, image, name] { worker->loadContentImage(image, name); });
}

void SessionController::clearContent() {
    queue([worker = worker_] { worker->clearContent(); });
}

void SessionController::addStyle(const QString& file) {
    queue([worker = worker_, file] { worker->addStyle(file); });
}

void SessionController::addStyleImage(const QImage& image, const QString& name) {
    queue([worker = worker_, image, name] { worker->addStyleImage(image, name); });
}

void SessionController::removeStyle(int index) {
    queue([worker = worker_, index] { worker->removeStyle(index); });
}

void SessionController::loadInitImage(const QString& file) {
    queue([worker = worker_, file] { worker->loadInitImage(file); });
}

int SessionController::applySettings(const StyleSettings& settings) {
    worker_->submitSettings(settings, ++revision_);
    return revision_;
}

void SessionController::start(int iterationTarget) {
    worker_->interrupt();
    queue([worker = worker_, iterationTarget] { worker->start(iterationTarget); });
}

void SessionController::resume(int iterationTarget) {
    queue([worker = worker_, iterationTarget] { worker->resume(iterationTarget); });
}

void SessionController::pause() {
    worker_->interrupt();
    queue([worker = worker_] { worker->pause(); });
}

void SessionController::stop() {
    worker_->interrupt();
    queue([worker = worker_] { worker->stop(); });
}

void SessionController::setIterationTarget(int iterationTarget) {
    queue([worker = worker_, iterationTarget] { worker->setIterationTarget(iterationTarget); });
}

void SessionController::setSnapshotInterval(int interval) {
    queue([worker = worker_, interval] { worker->setSnapshotInterval(interval); });
}

void SessionController::offerRecovery() {
    queue([worker = worker_] { worker->offerRecovery(); });
}

void SessionController::restoreRecovery() {
    queue([worker = worker_] { worker->restoreRecovery(); });
}

void SessionController::discardRecovery() {
    queue([worker = worker_] { worker->discardRecovery(); });
}

void SessionController::takeSnapshot() {
    queue([worker = worker_] { worker->takeSnapshot(); });
}

void SessionController::showSnapshot(int id) {
    queue([worker = worker_, id] { worker->showSnapshot(id); });
}

void SessionController::continueFromSnapshot(int id, int iterationTarget) {
    queue([worker = worker_, id, iterationTarget] {
        worker->continueFromSnapshot(id, iterationTarget);
    });
}

void SessionController::exportImage(const QString& file, int bitDepth) {
    queue([worker = worker_, file, bitDepth] { worker->exportImage(file, bitDepth); });
}

void SessionController::exportSnapshot(int id, const QString& file, int bitDepth) {
    queue([worker = worker_, id, file, bitDepth] { worker->exportSnapshot(id, file, bitDepth); });
}

}  // namespace impasto::ui

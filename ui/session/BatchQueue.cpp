#include "ui/session/BatchQueue.h"

#include <QDir>
#include <QFileInfo>

#include "ui/session/SessionController.h"
#include "ui/session/SessionFrame.h"

namespace impasto::ui {

BatchQueue::BatchQueue(SessionController& controller, QObject* parent)
    : QObject(parent), controller_(controller) {
    SessionWorker* worker = &controller.worker();
    connect(worker, &SessionWorker::contentLoaded, this, [this] {
        if (loading_) {
            loading_ = false;
            controller_.start(iterations_);
        }
    });
    connect(worker, &SessionWorker::loadFailed, this, [this](const QString& message) {
        if (loading_) {
            loading_ = false;
            fail(message);
        }
    });
    connect(worker, &SessionWorker::runFailed, this, [this](const QString& message) {
        if (isRunning() && !loading_ && !exporting_) {
            controller_.stop();
            fail(message);
        }
    });
    connect(worker, &SessionWorker::stateChanged, this, &BatchQueue::onState);
    connect(worker, &SessionWorker::frameReady, this, [this](const SessionFrame& frame) {
        if (isRunning() && !loading_) {
            Q_EMIT photoProgress(current_, frame.iteration, iterations_);
        }
    });
    connect(worker, &SessionWorker::exported, this, [this](const QString& file) {
        if (exporting_) {
            exporting_ = false;
            ++written_;
            Q_EMIT photoWritten(current_, file);
            next();
        }
    });
    connect(worker, &SessionWorker::exportFailed, this, [this](const QString& message) {
        if (exporting_) {
            exporting_ = false;
            fail(message);
        }
    });
}

QString BatchQueue::resultFile(const QString& photo, const QString& folder) {
    const QString stem = QFileInfo(photo).completeBaseName() + "-impasto";
    QString file = QDir(folder).filePath(stem + ".png");
    for (int n = 2; QFileInfo::exists(file); ++n) {
        file = QDir(folder).filePath(stem + "-" + QString::number(n) + ".png");
    }
    return file;
}

void BatchQueue::start(const QStringList& photos, const QString& outputFolder, int iterations) {
    if (isRunning() || photos.isEmpty()) {
        return;
    }
    photos_ = photos;
    folder_ = outputFolder;
    iterations_ = iterations;
    cancelled_ = false;
    written_ = 0;
    failed_.clear();
    if (!QDir().mkpath(folder_)) {
        for (int i = 0; i < photos_.size(); ++i) {
            failed_.append(photos_[i]);
        }
        Q_EMIT finished(0, failed_, false);
        return;
    }
    startPhoto(0);
}

void BatchQueue::cancel() {
    if (!isRunning()) {
        return;
    }
    cancelled_ = true;
    loading_ = false;
    exporting_ = false;
    controller_.stop();
    current_ = -1;
    Q_EMIT finished(written_, failed_, true);
}

void BatchQueue::startPhoto(int index) {
    current_ = index;
    loading_ = true;
    Q_EMIT photoStarted(index, photos_.size(), photos_[index]);
    controller_.post(
        [photo = photos_[index]](SessionWorker& worker) { worker.loadContent(photo); });
}

void BatchQueue::fail(const QString& message) {
    failed_.append(photos_[current_]);
    Q_EMIT photoFailed(current_, message);
    next();
}

void BatchQueue::next() {
    if (current_ + 1 < photos_.size()) {
        startPhoto(current_ + 1);
        return;
    }
    current_ = -1;
    Q_EMIT finished(written_, failed_, false);
}

void BatchQueue::onState(RunState state) {
    if (!isRunning() || loading_ || exporting_ || state != RunState::Finished) {
        return;
    }
    exporting_ = true;
    controller_.post([file = resultFile(photos_[current_], folder_)](SessionWorker& worker) {
        worker.exportImage(file, 8);
    });
}

}  // namespace impasto::ui

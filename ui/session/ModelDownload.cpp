#include "ui/session/ModelDownload.h"

#include <QMetaObject>

#include <exception>

#include "core/registry/ModelDownloader.h"

namespace impasto::ui {

ModelDownload::ModelDownload(QObject* parent) : QObject(parent) {}

ModelDownload::~ModelDownload() {
    cancel();
    if (thread_) {
        thread_->wait();
    }
}

void ModelDownload::start(const RegisteredModel& model, const QString& destination,
                          const QString& url) {
    if (isRunning()) {
        return;
    }
    if (thread_) {
        thread_->wait();
    }
    cancelled_ = false;
    DownloadOptions options;
    options.destination = destination.toStdString();
    options.url = url.toStdString();
    // Called on the download thread: hand everything to the UI thread.
    options.progress = [this](int64_t received, int64_t total) {
        QMetaObject::invokeMethod(
            this, [this, received, total] { Q_EMIT progress(received, total); },
            Qt::QueuedConnection);
    };
    options.cancelled = [this] { return cancelled_.load(); };
    thread_.reset(QThread::create([this, model, options] {
        try {
            const QString file = QString::fromStdString(downloadModel(model, options).string());
            QMetaObject::invokeMethod(
                this, [this, file] { Q_EMIT finished(file); }, Qt::QueuedConnection);
        } catch (const std::exception& error) {
            const QString message = QString::fromUtf8(error.what());
            QMetaObject::invokeMethod(
                this, [this, message] { Q_EMIT failed(message); }, Qt::QueuedConnection);
        }
    }));
    thread_->setObjectName("ModelDownload");
    thread_->start();
}

void ModelDownload::cancel() {
    cancelled_ = true;
}

bool ModelDownload::isRunning() const {
    return thread_ && thread_->isRunning();
}

}  // namespace impasto::ui

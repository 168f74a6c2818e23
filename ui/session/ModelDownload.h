#pragma once

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

#include "core/registry/RegisteredModel.h"

namespace impasto::ui {

// Runs the engine's downloadModel() (the one the CLI uses) on a thread of its own and reports
// on the UI thread. Cancelling keeps what has arrived, so the next attempt resumes.
class ModelDownload : public QObject {
    Q_OBJECT

public:
    explicit ModelDownload(QObject* parent = nullptr);
    // Cancels a download in progress and waits for its thread.
    ~ModelDownload() override;

    // Into `destination` (empty: the user's model folder), from `url` (empty: the manifest's).
    void start(const RegisteredModel& model, const QString& destination = {},
               const QString& url = {});
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    // Bytes so far and the file's size (0 while unknown).
    void progress(qint64 received, qint64 total);
    void finished(const QString& file);
    void failed(const QString& message);

private:
    std::unique_ptr<QThread> thread_;
    std::atomic<bool> cancelled_{false};
};

}  // namespace impasto::ui

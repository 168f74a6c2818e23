#pragma once

#include <QObject>
#include <QThread>

#include "ui/session/FastTrainingWorker.h"

namespace impasto::ui {

// Runs a FastTrainingWorker on a thread of its own, as SessionController does the style
// session's: receivers connect to worker()'s signals (queued to their thread), commands reach
// it queued, pause and cancel also by its thread-safe flags so that they act within a step.
// Destroying the controller cancels a training (its checkpoint is written) and joins the thread,
// or leaves it behind when it is busy past SessionController::kStopGrace (decoding the photos,
// loading a model, a long step): closing never hangs.
class FastTrainingController : public QObject {
public:
    explicit FastTrainingController(QObject* parent = nullptr);
    ~FastTrainingController() override;

    FastTrainingWorker& worker() const { return *worker_; }

    void train(const FastTrainingRequest& request);
    void pause();
    void resume();
    void cancel();

private:
    QThread* thread_;
    FastTrainingWorker* worker_;
};

}  // namespace impasto::ui

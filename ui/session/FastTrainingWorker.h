#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

#include "core/image/Image.h"
#include "core/settings/StyleSettings.h"

namespace impasto {
class FastTraining;
class TrainingCheckpoint;
}  // namespace impasto

namespace impasto::ui {

// A fast style to train, as the dialog asks for it: plain values.
struct FastTrainingRequest {
    QString painting;
    QString photosFolder;
    QString styleFile;       // written at the end; its checkpoint lies beside it meanwhile
    QString model;           // the loss network: a registry name or a weight file
    StyleSettings settings;  // the losses, as in the optimisation mode
    // Shown stylised every few seconds; empty or unreadable: the first training photo.
    QString previewPhoto;
    int trainSize = 256;
    int batchSize = 2;
    double width = 0.5;
    int steps = 0;             // ends after this step; 0: by time alone
    int timeLimitSeconds = 0;  // ends after this much training; 0: by steps alone
};

// Trains a fast style (core/fast's FastTraining) on a thread of its own
// (FastTrainingController's), one step after another inside train() or resume(): pause and
// cancel are flags the loop reads between two steps, so either takes effect within a step.
// Both write the checkpoint (TrainingCheckpoint, as the CLI's Ctrl+C does): a paused training
// goes on with resume(), a cancelled one when the same style file is trained again.
class FastTrainingWorker : public QObject {
    Q_OBJECT

public:
    explicit FastTrainingWorker(QObject* parent = nullptr);
    ~FastTrainingWorker() override;

    // Loads the loss network, the painting and the photos (unreadable ones are reported and
    // skipped), resumes the style file's checkpoint if there is one, and trains.
    void train(const FastTrainingRequest& request);
    // Goes on with a paused training.
    void resume();
    // Thread-safe. A request stays until the training loop acts on it or clearRequests().
    void requestPause();
    void requestCancel();
    void clearRequests();

    // How often the network's output on the preview photo is shown, and its size.
    static constexpr int kPreviewIntervalMs = 3000;
    static constexpr int kPreviewSide = 256;
    // A checkpoint at least this often, so that a crash loses little.
    static constexpr int kCheckpointIntervalMs = 60000;

Q_SIGNALS:
    // Ready to train `photos` photos from `firstStep` (above 0 when a checkpoint was resumed,
    // which had trained for `trainedSeconds`; a time limit counts those).
    void prepared(int photos, int firstStep, const QStringList& skipped, double trainedSeconds);
    // After each step: how far the training is (0-1), the time left and the step's losses.
    void progressed(int step, double fraction, double secondsLeft, double total, double content,
                    double style, double smoothness);
    void previewReady(const QImage& image, int step);
    void paused(int step);
    void cancelled(int step, const QString& checkpoint);
    void finished(const QString& styleFile, int steps);
    void failed(const QString& message);

private:
    void trainSteps();
    bool done() const;
    void showPreview();

    FastTrainingRequest request_;
    std::unique_ptr<TrainingCheckpoint> checkpoint_;
    std::unique_ptr<FastTraining> trainer_;
    Image previewPhoto_;
    int firstStep_ = 0;
    double startSeconds_ = 0.0;  // the training time when this request started
    std::atomic<bool> pauseRequested_ = false;
    std::atomic<bool> cancelRequested_ = false;
};

}  // namespace impasto::ui

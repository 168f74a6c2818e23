#pragma once

#include <QDialog>
#include <QList>
#include <QString>

#include "ui/session/FastTrainingWorker.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace impasto::ui {

class FastTrainingController;
class LossCurveView;

// Train Fast Style: a painting, a folder of photos, the crop size, how long and how wide a
// network, and the style file to write. Training runs in a FastTrainingController's worker
// thread; the dialog shows its progress and time left, the network's output on the current
// photo every few seconds and the loss curve, and offers Pause, Resume and Cancel (both write
// the checkpoint, which training the same file again resumes). Unreadable photos are listed.
class FastTrainingDialog : public QDialog {
    Q_OBJECT

public:
    // `defaults` fills the form (painting, photos, style file) and carries what the form does
    // not show: the loss network, the losses' settings and the preview photo.
    explicit FastTrainingDialog(const FastTrainingRequest& defaults, QWidget* parent = nullptr);
    ~FastTrainingDialog() override;

    // Closing cancels a training (its checkpoint is written) before the dialog goes.
    void reject() override;
    // The request the form makes now.
    FastTrainingRequest request() const;

    QLineEdit* paintingEdit() const { return painting_; }
    QLineEdit* photosEdit() const { return photos_; }
    QLineEdit* styleFileEdit() const { return styleFile_; }
    QSpinBox* trainSizeBox() const { return trainSize_; }
    QComboBox* durationBox() const { return duration_; }
    QSpinBox* stepsBox() const { return steps_; }
    QComboBox* widthBox() const { return width_; }
    QPushButton* trainButton() const { return train_; }
    QPushButton* pauseButton() const { return pause_; }
    QPushButton* resumeButton() const { return resume_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* statusLabel() const { return status_; }
    QLabel* messageLabel() const { return message_; }
    QLabel* previewLabel() const { return preview_; }
    LossCurveView* lossCurve() const { return lossCurve_; }
    FastTrainingController& controller() const { return *controller_; }

    // The duration choice that trains for a number of steps rather than a time.
    static constexpr int kStepsChoice = -1;

Q_SIGNALS:
    // A style file was written; the app lists it.
    void styleTrained(const QString& file);

private:
    enum class Phase { Idle, Preparing, Training, Paused };
    void setPhase(Phase phase);
    void startTraining();
    void connectWorker();

    FastTrainingController* controller_;
    FastTrainingRequest defaults_;
    QLineEdit* painting_;
    QLineEdit* photos_;
    QSpinBox* trainSize_;
    QComboBox* duration_;
    QSpinBox* steps_;
    QComboBox* width_;
    QLineEdit* styleFile_;
    QList<QPushButton*> chooseButtons_;
    QPushButton* train_;
    QPushButton* pause_;
    QPushButton* resume_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* message_;
    QLabel* preview_;
    LossCurveView* lossCurve_;
    Phase phase_ = Phase::Idle;
};

}  // namespace impasto::ui

#pragma once

#include <QDialog>
#include <QStringList>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace impasto::ui {

class BatchQueue;
class SessionController;

// Batch: the current paintings and settings applied to several photos. The user adds photos or
// a folder of them, chooses the output folder and starts; each photo's row says how it went (a
// failed one says why and is skipped), with progress for the photo and overall, and Cancel
// stops. The work runs through BatchQueue in a session worker of the dialog's own, set up with
// the window's model, paintings, settings and masks.
class BatchDialog : public QDialog {
    Q_OBJECT

public:
    BatchDialog(SessionController& window, int iterations, QWidget* parent = nullptr);

    void addPhotos(const QStringList& files);
    // The images in `folder`, sorted by name.
    void addFolder(const QString& folder);
    void setOutputFolder(const QString& folder);

    QListWidget* photoList() const { return photos_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* overallProgress() const { return overall_; }
    QLabel* summary() const { return summary_; }

private:
    void startBatch();
    void updateButtons();

    SessionController* batchSession_;
    BatchQueue* queue_;
    int iterations_;
    bool inputsReady_ = false;  // the batch's worker has the window's inputs
    QStringList files_;
    QListWidget* photos_;
    QLineEdit* outputFolder_;
    QProgressBar* photoProgress_;
    QProgressBar* overall_;
    QLabel* summary_;
    QPushButton* start_;
    QPushButton* cancel_;
};

}  // namespace impasto::ui

#pragma once

#include <QFrame>

#include <vector>

#include "core/registry/RegisteredModel.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace impasto::ui {

class ModelDownload;

// The first-run message when no model is installed: download one from the registry (with
// progress and cancel) or open a weight file already on disk.
class ModelSetupPanel : public QFrame {
    Q_OBJECT

public:
    explicit ModelSetupPanel(QWidget* parent = nullptr);

    // The registry models offered; the smallest quick one is preselected.
    void setModels(const std::vector<RegisteredModel>& models);
    // Where downloads go and come from, for tests and mirrors (empty: the defaults).
    void setDownloadLocation(const QString& destination, const QString& url);

    QComboBox* modelBox() const { return modelBox_; }
    QPushButton* downloadButton() const { return downloadButton_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* messageLabel() const { return message_; }

    static constexpr const char* kPreferredModel = "squeezenet1_1";

Q_SIGNALS:
    // The model is installed at `file`; `name` is its registry name.
    void modelInstalled(const QString& name, const QString& file);
    void openFileRequested();

private:
    void startDownload();
    void updateDownloadButton();
    void showDownloading(bool downloading);
    // Shows why a download failed; a server that cannot be found is said to be no connection,
    // with the weight-file button as the way on.
    void explainFailure(const QString& message);
    const RegisteredModel* chosenModel() const;

    std::vector<RegisteredModel> models_;
    QString destination_;
    QString url_;
    ModelDownload* download_;
    QComboBox* modelBox_;
    QPushButton* downloadButton_;
    QPushButton* cancelButton_;
    QPushButton* openButton_;
    QProgressBar* progress_;
    QLabel* message_;
};

}  // namespace impasto::ui

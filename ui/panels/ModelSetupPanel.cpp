#include "ui/panels/ModelSetupPanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHostInfo>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/session/ModelDownload.h"

namespace impasto::ui {

namespace {

// "SqueezeNet 1.1 (DeepScale), 4.8 MB", or the title alone when the size is not known.
QString describe(const RegisteredModel& model) {
    const QString title = QString::fromStdString(model.title);
    return model.sizeBytes > 0 ? ModelSetupPanel::tr("%1, %2").arg(
                                     title, QLocale().formattedDataSize(model.sizeBytes))
                               : title;
}

}  // namespace

ModelSetupPanel::ModelSetupPanel(QWidget* parent)
    : QFrame(parent),
      download_(new ModelDownload(this)),
      modelBox_(new QComboBox),
      downloadButton_(new QPushButton),
      cancelButton_(new QPushButton(tr("Cancel"))),
      openButton_(new QPushButton(tr("Open a Weight File..."))),
      progress_(new QProgressBar),
      message_(new QLabel) {
    setFrameShape(QFrame::StyledPanel);
    auto* heading = new QLabel(tr("<b>Impasto needs a trained network to see style</b>"));
    auto* explanation = new QLabel(
        tr("No model is installed yet. Download one once (it is kept for later), or open a "
           "weight file you already have (.safetensors or .caffemodel)."));
    explanation->setWordWrap(true);
    message_->setWordWrap(true);
    message_->hide();
    progress_->hide();
    cancelButton_->hide();
    openButton_->setToolTip(tr("Use a VGG or SqueezeNet weight file from your disk"));

    auto* downloadRow = new QHBoxLayout;
    downloadRow->addWidget(modelBox_, 1);
    downloadRow->addWidget(downloadButton_);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(cancelButton_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(explanation);
    layout->addLayout(downloadRow);
    layout->addLayout(progressRow);
    layout->addWidget(message_);
    layout->addWidget(openButton_, 0, Qt::AlignLeft);

    connect(modelBox_, &QComboBox::currentIndexChanged, this,
            &ModelSetupPanel::updateDownloadButton);
    connect(downloadButton_, &QPushButton::clicked, this, &ModelSetupPanel::startDownload);
    connect(cancelButton_, &QPushButton::clicked, download_, &ModelDownload::cancel);
    connect(openButton_, &QPushButton::clicked, this, &ModelSetupPanel::openFileRequested);
    connect(download_, &ModelDownload::progress, this, [this](qint64 received, qint64 total) {
        // Sizes in KiB keep the bar's int range for files of any size.
        progress_->setRange(0, total > 0 ? static_cast<int>(total / 1024) : 0);
        progress_->setValue(static_cast<int>(received / 1024));
    });
    connect(download_, &ModelDownload::finished, this, [this](const QString& file) {
        showDownloading(false);
        const RegisteredModel* model = chosenModel();
        Q_EMIT modelInstalled(model ? QString::fromStdString(model->name) : QString(), file);
    });
    connect(download_, &ModelDownload::failed, this, &ModelSetupPanel::explainFailure);
}

void ModelSetupPanel::setModels(const std::vector<RegisteredModel>& models) {
    models_ = models;
    modelBox_->clear();
    for (const RegisteredModel& model : models_) {
        modelBox_->addItem(describe(model), QString::fromStdString(model.name));
    }
    modelBox_->setCurrentIndex(std::max(0, modelBox_->findData(QString(kPreferredModel))));
    updateDownloadButton();
}

void ModelSetupPanel::setDownloadLocation(const QString& destination, const QString& url) {
    destination_ = destination;
    url_ = url;
}

const RegisteredModel* ModelSetupPanel::chosenModel() const {
    const int index = modelBox_->currentIndex();
    return index >= 0 && index < static_cast<int>(models_.size()) ? &models_[index] : nullptr;
}

void ModelSetupPanel::updateDownloadButton() {
    const RegisteredModel* model = chosenModel();
    downloadButton_->setEnabled(model != nullptr);
    downloadButton_->setText(model ? tr("Download %1").arg(describe(*model)) : tr("Download"));
}

void ModelSetupPanel::startDownload() {
    const RegisteredModel* model = chosenModel();
    if (model == nullptr) {
        return;
    }
    message_->hide();
    showDownloading(true);
    download_->start(*model, destination_, url_);
}

void ModelSetupPanel::explainFailure(const QString& message) {
    const RegisteredModel* model = chosenModel();
    const QString host =
        QUrl(url_.isEmpty() && model ? QString::fromStdString(model->url) : url_).host();
    const auto show = [this](const QString& text) {
        showDownloading(false);
        message_->setText(text);
        message_->show();
    };
    if (host.isEmpty() || message == QLatin1String("Download cancelled")) {
        show(message);
        return;
    }
    // A server whose name cannot be looked up: most likely no connection at all, which the
    // transfer's own words ("Host ... not found") do not say.
    QHostInfo::lookupHost(host, this, [this, show, message, host](const QHostInfo& found) {
        if (found.error() == QHostInfo::NoError) {
            show(message);
            return;
        }
        show(tr("There is no connection to the internet (%1 cannot be reached), so the model "
                "cannot be downloaded now. Open a weight file you have instead, or try again "
                "when you are online.")
                 .arg(host));
        openButton_->setDefault(true);
        openButton_->setFocus();
    });
}

void ModelSetupPanel::showDownloading(bool downloading) {
    if (downloading) {
        progress_->setRange(0, 0);  // busy until the size is known
        progress_->setValue(0);
    }
    progress_->setVisible(downloading);
    cancelButton_->setVisible(downloading);
    downloadButton_->setEnabled(!downloading);
    modelBox_->setEnabled(!downloading);
}

}  // namespace impasto::ui

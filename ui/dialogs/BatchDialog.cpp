#include "ui/dialogs/BatchDialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/session/BatchQueue.h"
#include "ui/session/SessionController.h"
#include "ui/settings/AppSettings.h"

namespace impasto::ui {

namespace {

const QStringList kImagePatterns = {"*.png",  "*.jpg", "*.jpeg", "*.tif",
                                    "*.tiff", "*.bmp", "*.webp"};

// Rows show file names; the whole path is in the tooltip.
QString nameOf(const QString& file) {
    return QFileInfo(file).fileName();
}

}  // namespace

BatchDialog::BatchDialog(SessionController& window, int iterations, QWidget* parent)
    : QDialog(parent),
      batchSession_(new SessionController(320, this)),
      queue_(new BatchQueue(*batchSession_, this)),
      iterations_(iterations),
      photos_(new QListWidget),
      outputFolder_(new QLineEdit),
      photoProgress_(new QProgressBar),
      overall_(new QProgressBar),
      summary_(new QLabel),
      start_(new QPushButton(tr("Start"))),
      cancel_(new QPushButton(tr("Cancel"))) {
    setWindowTitle(tr("Batch"));
    auto* addPhotosButton = new QPushButton(tr("Add Photos..."));
    auto* addFolderButton = new QPushButton(tr("Add Folder..."));
    auto* browse = new QPushButton(tr("Choose..."));
    auto* close = new QPushButton(tr("Close"));
    auto* adding = new QHBoxLayout;
    adding->addWidget(addPhotosButton);
    adding->addWidget(addFolderButton);
    adding->addStretch();
    auto* output = new QHBoxLayout;
    output->addWidget(new QLabel(tr("Results in:")));
    output->addWidget(outputFolder_, 1);
    output->addWidget(browse);
    auto* buttons = new QDialogButtonBox;
    buttons->addButton(start_, QDialogButtonBox::ActionRole);
    buttons->addButton(cancel_, QDialogButtonBox::ActionRole);
    buttons->addButton(close, QDialogButtonBox::RejectRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("The current paintings and settings, applied to each photo "
                                    "(%1 iterations; results named after their photos):")
                                     .arg(iterations)));
    layout->addWidget(photos_, 1);
    layout->addLayout(adding);
    layout->addLayout(output);
    layout->addWidget(new QLabel(tr("This photo:")));
    layout->addWidget(photoProgress_);
    layout->addWidget(new QLabel(tr("All photos:")));
    layout->addWidget(overall_);
    layout->addWidget(summary_);
    layout->addWidget(buttons);
    summary_->setWordWrap(true);

    // The batch's own worker takes the window's model, paintings, settings and masks as they
    // are now; the window's picture, history and autosave are never touched by the batch.
    connect(
        &window.worker(), &SessionWorker::inputsShared, this,
        [this](const SharedSessionInputs& inputs) {
            batchSession_->post([inputs](SessionWorker& worker) { worker.adoptInputs(inputs); });
        },
        Qt::SingleShotConnection);
    window.post([](SessionWorker& worker) { worker.shareInputs(); });
    summary_->setText(tr("Getting the model and paintings ready..."));
    connect(&batchSession_->worker(), &SessionWorker::inputsAdopted, this, [this] {
        inputsReady_ = true;
        summary_->clear();
        updateButtons();
    });

    connect(addPhotosButton, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Add Photos"), AppSettings().lastFolder("batch-photos"),
            tr("Images (%1)").arg(kImagePatterns.join(' ')));
        if (!files.isEmpty()) {
            AppSettings().rememberFolderOf("batch-photos", files.first());
        }
        addPhotos(files);
    });
    connect(addFolderButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Add Folder"), AppSettings().lastFolder("batch-photos"));
        if (!folder.isEmpty()) {
            AppSettings().rememberFolderOf("batch-photos", folder + "/");
            addFolder(folder);
        }
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Results Folder"), AppSettings().lastFolder("batch-results"));
        if (!folder.isEmpty()) {
            AppSettings().rememberFolderOf("batch-results", folder + "/");
            setOutputFolder(folder);
        }
    });
    connect(outputFolder_, &QLineEdit::textChanged, this, &BatchDialog::updateButtons);
    connect(start_, &QPushButton::clicked, this, &BatchDialog::startBatch);
    connect(cancel_, &QPushButton::clicked, queue_, &BatchQueue::cancel);
    connect(close, &QPushButton::clicked, this, [this] {
        queue_->cancel();
        reject();
    });

    connect(queue_, &BatchQueue::photoStarted, this,
            [this](int index, int count, const QString& photo) {
                photos_->item(index)->setText(tr("%1 (painting...)").arg(nameOf(photo)));
                photoProgress_->setValue(0);
                summary_->setText(
                    tr("Photo %1 of %2: %3").arg(index + 1).arg(count).arg(nameOf(photo)));
            });
    connect(queue_, &BatchQueue::photoProgress, this, [this](int index, int iteration, int total) {
        photoProgress_->setValue(iteration);
        overall_->setValue(index * total + iteration);
    });
    connect(queue_, &BatchQueue::photoWritten, this, [this](int index, const QString& result) {
        photos_->item(index)->setText(tr("%1 -> %2").arg(nameOf(files_[index]), nameOf(result)));
        photos_->item(index)->setToolTip(result);
        overall_->setValue((index + 1) * iterations_);
    });
    connect(queue_, &BatchQueue::photoFailed, this, [this](int index, const QString& message) {
        photos_->item(index)->setText(tr("%1: failed, skipped").arg(nameOf(files_[index])));
        photos_->item(index)->setToolTip(message);
        overall_->setValue((index + 1) * iterations_);
    });
    connect(queue_, &BatchQueue::finished, this,
            [this](int written, const QStringList& failed, bool cancelled) {
                QString text = tr("%1 of %2 photos written").arg(written).arg(files_.size());
                if (cancelled)
                    text += tr("; cancelled");
                if (!failed.isEmpty()) {
                    QStringList names;
                    for (const QString& photo : failed)
                        names.append(nameOf(photo));
                    text += tr("; failed: %1 (the row's tooltip says why)").arg(names.join(", "));
                }
                summary_->setText(text);
                updateButtons();
            });
    photoProgress_->setRange(0, iterations_);
    photoProgress_->setValue(0);
    overall_->setValue(0);
    updateButtons();
}

void BatchDialog::addPhotos(const QStringList& files) {
    for (const QString& file : files) {
        files_.append(file);
        photos_->addItem(nameOf(file));
        photos_->item(photos_->count() - 1)->setToolTip(file);
    }
    overall_->setRange(0, qMax(1, int(files_.size())) * iterations_);
    updateButtons();
}

void BatchDialog::addFolder(const QString& folder) {
    QStringList files;
    for (const QString& name :
         QDir(folder).entryList(kImagePatterns, QDir::Files, QDir::Name | QDir::IgnoreCase)) {
        files.append(QDir(folder).filePath(name));
    }
    addPhotos(files);
}

void BatchDialog::setOutputFolder(const QString& folder) {
    outputFolder_->setText(folder);
}

void BatchDialog::startBatch() {
    for (int i = 0; i < files_.size(); ++i) {
        photos_->item(i)->setText(nameOf(files_[i]));
        photos_->item(i)->setToolTip(files_[i]);
    }
    overall_->setValue(0);
    queue_->start(files_, outputFolder_->text(), iterations_);
    updateButtons();
}

void BatchDialog::updateButtons() {
    const bool running = queue_->isRunning();
    start_->setEnabled(inputsReady_ && !running && !files_.isEmpty() &&
                       !outputFolder_->text().isEmpty());
    cancel_->setEnabled(running);
}

}  // namespace impasto::ui

#include "ui/dialogs/FastTrainingDialog.h"

#include <algorithm>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/panels/RunStatusBar.h"
#include "ui/session/FastTrainingController.h"
#include "ui/widgets/LossCurveView.h"

namespace impasto::ui {

namespace {

constexpr int kProgressSteps = 1000;

// A line edit with a Choose... button that runs `choose` with the edit's text; the button is
// added to `buttons`.
template <typename Choose>
QHBoxLayout* withChooseButton(QLineEdit* edit, QWidget* parent, QList<QPushButton*>& buttons,
                              Choose choose) {
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    auto* button = new QPushButton(QObject::tr("Choose..."));
    QObject::connect(button, &QPushButton::clicked, parent, [edit, choose] {
        const QString chosen = choose(edit->text());
        if (!chosen.isEmpty()) {
            edit->setText(chosen);
        }
    });
    buttons.append(button);
    row->addWidget(button);
    return row;
}

}  // namespace

FastTrainingDialog::FastTrainingDialog(const FastTrainingRequest& defaults, QWidget* parent)
    : QDialog(parent),
      controller_(new FastTrainingController(this)),
      defaults_(defaults),
      painting_(new QLineEdit(defaults.painting)),
      photos_(new QLineEdit(defaults.photosFolder)),
      trainSize_(new QSpinBox),
      duration_(new QComboBox),
      steps_(new QSpinBox),
      width_(new QComboBox),
      styleFile_(new QLineEdit(defaults.styleFile)),
      train_(new QPushButton(tr("Train"))),
      pause_(new QPushButton(tr("Pause"))),
      resume_(new QPushButton(tr("Resume"))),
      cancel_(new QPushButton(tr("Cancel Training"))),
      progress_(new QProgressBar),
      status_(new QLabel),
      message_(new QLabel),
      preview_(new QLabel),
      lossCurve_(new LossCurveView) {
    setWindowTitle(tr("Train Fast Style"));
    trainSize_->setRange(64, 1024);
    trainSize_->setSingleStep(32);
    trainSize_->setSuffix(tr(" px"));
    trainSize_->setValue(defaults.trainSize);
    trainSize_->setToolTip(
        tr("The side of the square crops trained on. The painting's strokes "
           "are learnt at this scale; larger is slower."));
    duration_->addItem(tr("Quick: 5 minutes"), 5 * 60);
    duration_->addItem(tr("Standard: 20 minutes"), 20 * 60);
    duration_->addItem(tr("Long: 60 minutes"), 60 * 60);
    duration_->addItem(tr("Steps:"), kStepsChoice);
    duration_->setCurrentIndex(1);
    steps_->setRange(1, 1000000);
    steps_->setValue(1200);
    steps_->setEnabled(false);
    width_->addItem(tr("0.25: smallest (0.11 M parameters), fastest, coarser"), 0.25);
    width_->addItem(tr("0.5: the CPU default (0.42 M parameters)"), 0.5);
    width_->addItem(tr("1: the paper's (1.68 M parameters), about 4x the work of 0.5"), 1.0);
    width_->setCurrentIndex(width_->findData(defaults.width));
    width_->setToolTip(
        tr("Wider networks learn finer strokes but train and apply more slowly; "
           "0.5 trains a step in about half a second at 192 px on two cores."));
    preview_->setFixedSize(FastTrainingWorker::kPreviewSide, FastTrainingWorker::kPreviewSide);
    preview_->setAlignment(Qt::AlignCenter);
    preview_->setFrameShape(QFrame::StyledPanel);
    preview_->setText(tr("The network's output on\nthe photo appears here"));
    progress_->setRange(0, kProgressSteps);
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    lossCurve_->setMinimumHeight(150);

    auto* form = new QFormLayout;
    form->addRow(tr("Painting:"),
                 withChooseButton(painting_, this, chooseButtons_, [this](const QString& now) {
                     return QFileDialog::getOpenFileName(
                         this, tr("Painting"), now,
                         tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp)"));
                 }));
    form->addRow(tr("Photos folder:"),
                 withChooseButton(photos_, this, chooseButtons_, [this](const QString& now) {
                     return QFileDialog::getExistingDirectory(this, tr("Photos to Train On"), now);
                 }));
    form->addRow(tr("Crop size:"), trainSize_);
    auto* duration = new QHBoxLayout;
    duration->addWidget(duration_, 1);
    duration->addWidget(steps_);
    form->addRow(tr("Duration:"), duration);
    form->addRow(tr("Network width:"), width_);
    form->addRow(tr("Style file:"),
                 withChooseButton(styleFile_, this, chooseButtons_, [this](const QString& now) {
                     return QFileDialog::getSaveFileName(this, tr("Style File"), now,
                                                         tr("Fast styles (*.safetensors)"));
                 }));
    auto* note = new QLabel(
        tr("Trains with the window's loss network (%1) and loss settings. Pause and Cancel "
           "write a checkpoint beside the style file; training the same file again resumes "
           "from it. Closing the dialog cancels.")
            .arg(defaults.model.isEmpty() ? tr("none loaded yet")
                                          : QFileInfo(defaults.model).fileName()));
    note->setWordWrap(true);
    auto* formColumn = new QVBoxLayout;
    formColumn->addLayout(form);
    formColumn->addWidget(note);
    formColumn->addStretch();
    auto* previewColumn = new QVBoxLayout;
    previewColumn->addWidget(preview_);
    previewColumn->addStretch();
    auto* top = new QHBoxLayout;
    top->addLayout(formColumn, 1);
    top->addLayout(previewColumn);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    for (QPushButton* button : {train_, pause_, resume_, cancel_}) {
        buttons->addButton(button, QDialogButtonBox::ActionRole);
    }
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(lossCurve_, 1);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(message_);
    layout->addWidget(buttons);

    connect(duration_, &QComboBox::currentIndexChanged, this,
            [this] { steps_->setEnabled(duration_->currentData().toInt() == kStepsChoice); });
    for (QLineEdit* edit : {painting_, photos_, styleFile_}) {
        connect(edit, &QLineEdit::textChanged, this, [this] { setPhase(phase_); });
    }
    connect(train_, &QPushButton::clicked, this, &FastTrainingDialog::startTraining);
    connect(pause_, &QPushButton::clicked, this, [this] {
        pause_->setEnabled(false);
        controller_->pause();
    });
    connect(resume_, &QPushButton::clicked, this, [this] {
        setPhase(Phase::Training);
        controller_->resume();
    });
    connect(cancel_, &QPushButton::clicked, this, [this] {
        cancel_->setEnabled(false);
        pause_->setEnabled(false);
        controller_->cancel();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &FastTrainingDialog::reject);
    connectWorker();
    setPhase(Phase::Idle);
}

FastTrainingDialog::~FastTrainingDialog() = default;

FastTrainingRequest FastTrainingDialog::request() const {
    FastTrainingRequest request = defaults_;
    request.painting = painting_->text().trimmed();
    request.photosFolder = photos_->text().trimmed();
    request.styleFile = styleFile_->text().trimmed();
    request.trainSize = trainSize_->value();
    request.width = width_->currentData().toDouble();
    const int duration = duration_->currentData().toInt();
    request.steps = duration == kStepsChoice ? steps_->value() : 0;
    request.timeLimitSeconds = duration == kStepsChoice ? 0 : duration;
    return request;
}

void FastTrainingDialog::startTraining() {
    lossCurve_->clear();
    message_->clear();
    progress_->setValue(0);
    status_->setText(tr("Loading the loss network, the painting and the photos..."));
    setPhase(Phase::Preparing);
    controller_->train(request());
}

void FastTrainingDialog::connectWorker() {
    FastTrainingWorker& worker = controller_->worker();
    connect(&worker, &FastTrainingWorker::prepared, this,
            [this](int photos, int firstStep, const QStringList& skipped, double trainedSeconds) {
                setPhase(Phase::Training);
                QString text =
                    firstStep > 0
                        ? tr("Training on %1 photos, resumed at step %2").arg(photos).arg(firstStep)
                        : tr("Training on %1 photos").arg(photos);
                // A timed training resumed trains only the time it has left.
                if (const int limit = request().timeLimitSeconds; limit > 0 && firstStep > 0) {
                    text += tr(" \u00B7 %1 left")
                                .arg(RunStatusBar::duration(std::max(0.0, limit - trainedSeconds)));
                }
                status_->setText(text);
                if (!skipped.isEmpty()) {
                    message_->setText(tr("Skipped %n unreadable photo(s):\n", "", skipped.size()) +
                                      skipped.join('\n'));
                }
            });
    connect(&worker, &FastTrainingWorker::progressed, this,
            [this](int step, double fraction, double secondsLeft, double total, double content,
                   double style, double smoothness) {
                progress_->setValue(static_cast<int>(fraction * kProgressSteps));
                lossCurve_->addPoint(step, total, content, style, smoothness);
                status_->setText(tr("Step %1 \u00B7 loss %2 \u00B7 %3 left")
                                     .arg(step)
                                     .arg(total, 0, 'g', 4)
                                     .arg(RunStatusBar::duration(secondsLeft)));
            });
    connect(&worker, &FastTrainingWorker::previewReady, this,
            [this](const QImage& image, int step) {
                preview_->setPixmap(QPixmap::fromImage(image).scaled(
                    preview_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
                preview_->setToolTip(tr("The network after %1 steps").arg(step));
            });
    connect(&worker, &FastTrainingWorker::paused, this, [this](int step) {
        setPhase(Phase::Paused);
        status_->setText(tr("Paused at step %1 (checkpoint written)").arg(step));
    });
    connect(&worker, &FastTrainingWorker::cancelled, this,
            [this](int step, const QString& checkpoint) {
                setPhase(Phase::Idle);
                status_->setText(tr("Cancelled at step %1. Training the same style file again "
                                    "resumes from %2")
                                     .arg(step)
                                     .arg(QFileInfo(checkpoint).fileName()));
            });
    connect(&worker, &FastTrainingWorker::finished, this, [this](const QString& file, int steps) {
        setPhase(Phase::Idle);
        progress_->setValue(kProgressSteps);
        status_->setText(tr("Trained for %1 steps: %2").arg(steps).arg(file));
        Q_EMIT styleTrained(file);
    });
    connect(&worker, &FastTrainingWorker::failed, this, [this](const QString& message) {
        setPhase(Phase::Idle);
        status_->setText(tr("Training failed"));
        message_->setText(message);
    });
}

void FastTrainingDialog::setPhase(Phase phase) {
    phase_ = phase;
    const bool idle = phase == Phase::Idle;
    for (QWidget* field : std::initializer_list<QWidget*>{painting_, photos_, trainSize_, duration_,
                                                          width_, styleFile_}) {
        field->setEnabled(idle);
    }
    for (QPushButton* button : chooseButtons_) {
        button->setEnabled(idle);
    }
    steps_->setEnabled(idle && duration_->currentData().toInt() == kStepsChoice);
    train_->setEnabled(idle && !painting_->text().trimmed().isEmpty() &&
                       !photos_->text().trimmed().isEmpty() &&
                       !styleFile_->text().trimmed().isEmpty());
    pause_->setEnabled(phase == Phase::Training);
    resume_->setEnabled(phase == Phase::Paused);
    cancel_->setEnabled(!idle);
}

void FastTrainingDialog::reject() {
    if (phase_ != Phase::Idle) {
        controller_->cancel();  // its checkpoint is written: training the file again resumes
    }
    QDialog::reject();
}

}  // namespace impasto::ui

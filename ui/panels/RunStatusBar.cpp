#include "ui/panels/RunStatusBar.h"

#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>
#include <QTimer>

#include <cmath>

#include "ui/widgets/ElidedLabel.h"

namespace impasto::ui {

namespace {

QString loss(double value) {
    return QString::number(value, 'g', 3);
}

}  // namespace

RunStatusBar::RunStatusBar(QStatusBar* statusBar)
    : QObject(statusBar),
      statusBar_(statusBar),
      message_(new ElidedLabel),
      messageTimer_(new QTimer(this)),
      iteration_(new QLabel),
      losses_(new ElidedLabel),
      speed_(new QLabel),
      timeLeft_(new QLabel),
      device_(new ElidedLabel),
      precision_(new ElidedLabel),
      preparation_(new QProgressBar) {
    // Room for the longest texts, so the numbers do not jiggle or get cut as they change.
    iteration_->setMinimumWidth(
        iteration_->fontMetrics().horizontalAdvance(tr("Iteration 100000 of 100000")));
    speed_->setMinimumWidth(speed_->fontMetrics().horizontalAdvance(tr("100.0 it/s")));
    preparation_->setMaximumWidth(160);
    preparation_->setTextVisible(false);
    preparation_->hide();
    losses_->setExplanation(
        tr("The loss being minimised: content, style and smoothness terms, "
           "each already multiplied by its weight"));
    device_->setExplanation(
        tr("Where the network runs, on how many threads (Threads in the settings; automatic "
           "follows other programs' load)"));
    precision_->setExplanation(
        tr("The number format of the network's convolutions, and why (Precision in the "
           "settings)"));
    // The message always keeps some room; the long texts on the right give way first.
    message_->setMinimumWidth(message_->fontMetrics().horizontalAdvance(QString(24, 'x')));
    messageTimer_->setSingleShot(true);
    connect(messageTimer_, &QTimer::timeout, this, &RunStatusBar::clearMessage);
    statusBar_->addWidget(message_, 1);
    statusBar_->addPermanentWidget(preparation_);
    statusBar_->addPermanentWidget(iteration_);
    statusBar_->addPermanentWidget(losses_);
    statusBar_->addPermanentWidget(speed_);
    statusBar_->addPermanentWidget(timeLeft_);
    statusBar_->addPermanentWidget(device_);
    statusBar_->addPermanentWidget(precision_);
}

void RunStatusBar::showModel(const ModelSummary& model) {
    model_ = model;
    showDevice();
}

void RunStatusBar::showDevice() {
    const QString device =
        model_.deviceName.startsWith("cuda") ? tr("CUDA (%1)").arg(model_.deviceName)
        : model_.computeThreads == 1         ? tr("CPU, 1 thread")
                                             : tr("CPU, %1 threads").arg(model_.computeThreads);
    device_->setFullText(tr("%1 on %2").arg(model_.title, device));
}

void RunStatusBar::showPrecision(const QString& precision, const QString& reason) {
    precision_->setFullText(tr("%1 (%2)").arg(precision, reason));
}

void RunStatusBar::showMessage(const QString& text, int timeoutMs) {
    preparing_ = false;
    message_->setFullText(text);
    if (timeoutMs > 0) {
        messageTimer_->start(timeoutMs);
    } else {
        messageTimer_->stop();
    }
}

void RunStatusBar::showRunMode(const QString& text) {
    runMode_ = text;
    if (!preparing_) {
        showMessage(text);
    }
}

void RunStatusBar::clearMessage() {
    showMessage(QString());
}

QString RunStatusBar::messageText() const {
    return message_->fullText();
}

void RunStatusBar::showFrame(const SessionFrame& frame, int iterationTarget) {
    preparation_->hide();
    if (frame.computeThreads > 0 && frame.computeThreads != model_.computeThreads) {
        model_.computeThreads = frame.computeThreads;
        showDevice();
    }
    if (preparing_) {
        showMessage(runMode_);  // prepared: the iteration count says the rest
    }
    iteration_->setText(tr("Iteration %1 of %2").arg(frame.iteration).arg(iterationTarget));
    losses_->setFullText(tr("Loss %1 (content %2, style %3, smoothness %4)")
                             .arg(loss(frame.losses.total), loss(frame.losses.content),
                                  loss(frame.losses.style), loss(frame.losses.totalVariation)));
    speed_->setText(tr("%1 it/s").arg(frame.iterationsPerSecond, 0, 'f', 1));
    const int remaining = iterationTarget - frame.iteration;
    timeLeft_->setText(remaining > 0 && frame.iterationsPerSecond > 0.0
                           ? tr("%1 left").arg(duration(remaining / frame.iterationsPerSecond))
                           : QString());
}

void RunStatusBar::showState(RunState state) {
    switch (state) {
        case RunState::Idle:
            showMessage(tr("Ready"));
            break;
        case RunState::Running:
            showMessage(tr("Running"));
            break;
        case RunState::Paused:
            showMessage(tr("Paused"));
            break;
        case RunState::Stopped:
            showMessage(tr("Stopped: export with Ctrl+E or start again"));
            break;
        case RunState::Finished:
            showMessage(tr("Done: export with Ctrl+E, or Continue for more"));
            break;
    }
    if (state != RunState::Running) {
        preparation_->hide();
        timeLeft_->clear();
    }
}

void RunStatusBar::showPreparation(const QString& stage, int done, int total) {
    preparation_->setRange(0, total);
    preparation_->setValue(done);
    preparation_->show();
    showMessage(stage == "style" ? tr("Preparing painting %1 of %2").arg(done + 1).arg(total)
                                 : tr("Preparing the photo"));
    preparing_ = true;
}

QString RunStatusBar::iterationText() const {
    return iteration_->text();
}

QString RunStatusBar::lossText() const {
    return losses_->fullText();
}

QString RunStatusBar::speedText() const {
    return speed_->text();
}

QString RunStatusBar::timeLeftText() const {
    return timeLeft_->text();
}

QString RunStatusBar::deviceText() const {
    return device_->fullText();
}

QString RunStatusBar::precisionText() const {
    return precision_->fullText();
}

QString RunStatusBar::duration(double seconds) {
    const int whole = static_cast<int>(std::ceil(seconds));
    if (whole < 60) {
        return tr("%1 s").arg(whole);
    }
    return QStringLiteral("%1:%2").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace impasto::ui

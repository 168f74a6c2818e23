#include "ui/panels/RunStatusBar.h"

#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>

#include <cmath>

namespace impasto::ui {

namespace {

QString loss(double value) {
    return QString::number(value, 'g', 3);
}

}  // namespace

RunStatusBar::RunStatusBar(QStatusBar* statusBar)
    : QObject(statusBar),
      statusBar_(statusBar),
      iteration_(new QLabel),
      losses_(new QLabel),
      speed_(new QLabel),
      timeLeft_(new QLabel),
      device_(new QLabel),
      precision_(new QLabel),
      preparation_(new QProgressBar) {
    // Room for the longest texts, so the numbers do not jiggle or get cut as they change.
    iteration_->setMinimumWidth(
        iteration_->fontMetrics().horizontalAdvance(tr("Iteration 100000 of 100000")));
    speed_->setMinimumWidth(speed_->fontMetrics().horizontalAdvance(tr("100.0 it/s")));
    preparation_->setMaximumWidth(160);
    preparation_->setTextVisible(false);
    preparation_->hide();
    losses_->setToolTip(
        tr("The loss being minimised: content, style and smoothness terms, "
           "each already multiplied by its weight"));
    device_->setToolTip(tr("Where the network runs"));
    precision_->setToolTip(
        tr("The number format of the network's convolutions, and why (Precision in the "
           "settings)"));
    statusBar_->addPermanentWidget(preparation_);
    statusBar_->addPermanentWidget(iteration_);
    statusBar_->addPermanentWidget(losses_);
    statusBar_->addPermanentWidget(speed_);
    statusBar_->addPermanentWidget(timeLeft_);
    statusBar_->addPermanentWidget(device_);
    statusBar_->addPermanentWidget(precision_);
}

void RunStatusBar::showModel(const ModelSummary& model) {
    const QString device =
        model.deviceName.startsWith("cuda") ? tr("CUDA (%1)").arg(model.deviceName)
        : model.computeThreads == 1         ? tr("CPU, 1 thread")
                                            : tr("CPU, %1 threads").arg(model.computeThreads);
    device_->setText(tr("%1 on %2").arg(model.title, device));
}

void RunStatusBar::showPrecision(const QString& precision, const QString& reason) {
    precision_->setText(tr("%1 (%2)").arg(precision, reason));
}

void RunStatusBar::showFrame(const SessionFrame& frame, int iterationTarget) {
    preparation_->hide();
    iteration_->setText(tr("Iteration %1 of %2").arg(frame.iteration).arg(iterationTarget));
    losses_->setText(tr("Loss %1 (content %2, style %3, smoothness %4)")
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
            statusBar_->showMessage(tr("Ready"));
            break;
        case RunState::Running:
            statusBar_->showMessage(tr("Running"));
            break;
        case RunState::Paused:
            statusBar_->showMessage(tr("Paused"));
            break;
        case RunState::Stopped:
            statusBar_->showMessage(tr("Stopped: export with Ctrl+E or start again"));
            break;
        case RunState::Finished:
            statusBar_->showMessage(tr("Done: export with Ctrl+E, or Continue for more"));
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
    statusBar_->showMessage(stage == "style"
                                ? tr("Preparing style image %1 of %2").arg(done + 1).arg(total)
                                : tr("Preparing the photo"));
}

QString RunStatusBar::iterationText() const {
    return iteration_->text();
}

QString RunStatusBar::lossText() const {
    return losses_->text();
}

QString RunStatusBar::speedText() const {
    return speed_->text();
}

QString RunStatusBar::timeLeftText() const {
    return timeLeft_->text();
}

QString RunStatusBar::deviceText() const {
    return device_->text();
}

QString RunStatusBar::precisionText() const {
    return precision_->text();
}

QString RunStatusBar::duration(double seconds) {
    const int whole = static_cast<int>(std::ceil(seconds));
    if (whole < 60) {
        return tr("%1 s").arg(whole);
    }
    return QStringLiteral("%1:%2").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace impasto::ui

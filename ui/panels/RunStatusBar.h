#pragma once

#include <QObject>
#include <QString>

#include "ui/session/ModelSummary.h"
#include "ui/session/RunState.h"
#include "ui/session/SessionFrame.h"

class QLabel;
class QProgressBar;
class QStatusBar;

namespace impasto::ui {

// The run's vital signs in the window's status bar: iteration of target, losses, iterations per
// second, time left, the compute device and the precision with its reason; a busy bar while
// targets are prepared.
class RunStatusBar : public QObject {
    Q_OBJECT

public:
    explicit RunStatusBar(QStatusBar* statusBar);

    void showModel(const ModelSummary& model);
    void showFrame(const SessionFrame& frame, int iterationTarget);
    void showState(RunState state);
    void showPreparation(const QString& stage, int done, int total);
    // "bfloat16", "auto: measured 3.1x as fast as float32 on this CPU".
    void showPrecision(const QString& precision, const QString& reason);

    QString iterationText() const;
    QString lossText() const;
    QString speedText() const;
    QString timeLeftText() const;
    QString deviceText() const;
    QString precisionText() const;

    // "1:05" or "12 s": how long `seconds` is, for people.
    static QString duration(double seconds);

private:
    QStatusBar* statusBar_;
    QLabel* iteration_;
    QLabel* losses_;
    QLabel* speed_;
    QLabel* timeLeft_;
    QLabel* device_;
    QLabel* precision_;
    QProgressBar* preparation_;
};

}  // namespace impasto::ui

#pragma once

#include <QObject>
#include <QString>

#include "ui/session/ModelSummary.h"
#include "ui/session/RunState.h"
#include "ui/session/SessionFrame.h"

class QLabel;
class QProgressBar;
class QStatusBar;
class QTimer;

namespace impasto::ui {

class ElidedLabel;

// The run's vital signs in the window's status bar: iteration of target, losses, iterations per
// second, time left, the compute device and the precision with its reason; a busy bar while
// targets are prepared. On the left one message at a time, cut to fit (the whole of it in the
// tooltip): a new one replaces the old, and the preparation's is cleared when it is done.
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
    // Replaces the message; it goes after `timeoutMs` (0: it stays until replaced or cleared).
    void showMessage(const QString& text, int timeoutMs = 0);
    void clearMessage();
    // What kind of run this is when it is not the usual ("Feature inversion (no paintings): ...";
    // empty: the usual): shown now, and again after each preparation's message.
    void showRunMode(const QString& text);

    QString messageText() const;
    ElidedLabel* messageLabel() const { return message_; }
    QString iterationText() const;
    QString lossText() const;
    QString speedText() const;
    QString timeLeftText() const;
    QString deviceText() const;
    QString precisionText() const;

    // "1:05" or "12 s": how long `seconds` is, for people.
    static QString duration(double seconds);

private:
    void showDevice();

    ModelSummary model_;  // as shown, with the thread count of the latest frame
    QStatusBar* statusBar_;
    ElidedLabel* message_;
    QTimer* messageTimer_;
    bool preparing_ = false;  // the message says what is being prepared
    QString runMode_;
    QLabel* iteration_;
    ElidedLabel* losses_;
    QLabel* speed_;
    QLabel* timeLeft_;
    ElidedLabel* device_;
    ElidedLabel* precision_;
    QProgressBar* preparation_;
};

}  // namespace impasto::ui

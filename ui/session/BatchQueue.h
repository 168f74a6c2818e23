#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include "ui/session/RunState.h"

namespace impasto::ui {

class SessionController;
struct SessionFrame;

// Paints several photos, one after the other, with the paintings and settings the session has:
// for each, the worker loads the photo, runs to the iteration target and exports the result into
// the output folder as "<photo>-impasto.png" (a free name: "-2", "-3" ... when taken, so nothing
// is ever overwritten). A photo that cannot be loaded, run or written is reported and skipped.
// Every computation runs in the worker (SessionController); this only sequences requests.
class BatchQueue : public QObject {
    Q_OBJECT

public:
    BatchQueue(SessionController& controller, QObject* parent = nullptr);

    void start(const QStringList& photos, const QString& outputFolder, int iterations);
    // Stops the photo in progress (nothing written for it) and the ones after it.
    void cancel();
    bool isRunning() const { return current_ >= 0; }

    // The result's file for `photo` in `folder`: "<stem>-impasto.png", or with "-2", "-3" ...
    // when that exists.
    static QString resultFile(const QString& photo, const QString& folder);

Q_SIGNALS:
    void photoStarted(int index, int count, const QString& photo);
    void photoProgress(int index, int iteration, int iterations);
    void photoWritten(int index, const QString& result);
    void photoFailed(int index, const QString& message);
    // All photos done (or cancelled): how many written, and the failed photos.
    void finished(int written, const QStringList& failed, bool cancelled);

private:
    void startPhoto(int index);
    void fail(const QString& message);
    void next();
    void onState(RunState state);

    SessionController& controller_;
    QStringList photos_;
    QString folder_;
    int iterations_ = 0;
    int current_ = -1;  // the photo in progress; -1: not running
    bool loading_ = false;
    bool exporting_ = false;
    bool cancelled_ = false;
    int written_ = 0;
    QStringList failed_;
};

}  // namespace impasto::ui

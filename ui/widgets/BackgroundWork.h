#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <utility>

namespace impasto::ui {

// Runs `work()` on Qt's thread pool, so that the window never waits on a file, then
// `done(result)` on the GUI thread, unless `receiver` is gone by then.
template <typename Work, typename Done>
void inBackground(const QObject* receiver, Work work, Done done) {
    QPointer<const QObject> alive(receiver);
    QThreadPool::globalInstance()->start(
        [alive, work = std::move(work), done = std::move(done)]() mutable {
            auto result = work();
            // `alive` is looked at on the GUI thread, where the receiver would be destroyed.
            QMetaObject::invokeMethod(qApp, [alive, done, result = std::move(result)] {
                if (alive) {
                    done(result);
                }
            });
        });
}

}  // namespace impasto::ui

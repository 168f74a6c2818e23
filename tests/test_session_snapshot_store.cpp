// The worker's snapshots: ids are handed out once, each finds its image, iteration and settings,
// and automatic snapshots fall on multiples of the interval.
#include <QTest>

#include "ui/session/SnapshotStore.h"

using impasto::Image;
using impasto::StyleSettings;
using impasto::ui::Snapshot;
using impasto::ui::SnapshotStore;

namespace {

Snapshot snapshotAt(int iteration, int width) {
    StyleSettings settings;
    settings.styleWeight = iteration * 10.0;
    return Snapshot{Image(width, 4), iteration, settings};
}

}  // namespace

class TestSessionSnapshotStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void eachSnapshotIsFoundByItsId() {
        SnapshotStore store;
        const int first = store.add(snapshotAt(50, 8));
        const int second = store.add(snapshotAt(100, 16));
        QVERIFY(first != second);
        const Snapshot* found = store.find(second);
        QVERIFY(found != nullptr);
        QCOMPARE(found->iteration, 100);
        QCOMPARE(found->image.width(), 16);
        QCOMPARE(found->settings.styleWeight, 1000.0);
        QCOMPARE(store.find(first)->iteration, 50);
    }

    void anUnknownIdFindsNothing() {
        SnapshotStore store;
        QVERIFY(store.find(1) == nullptr);
        const int id = store.add(snapshotAt(1, 4));
        QVERIFY(store.find(id + 1) == nullptr);
        QVERIFY(store.find(0) == nullptr);
    }

    void automaticSnapshotsFallOnMultiplesOfTheInterval() {
        SnapshotStore store;
        QVERIFY(!store.dueAt(50));  // no interval: never
        store.setInterval(50);
        QVERIFY(!store.dueAt(0));  // before the first step there is nothing to keep
        QVERIFY(!store.dueAt(49));
        QVERIFY(store.dueAt(50));
        QVERIFY(store.dueAt(100));
        store.setInterval(0);
        QVERIFY(!store.dueAt(100));
    }
};

QTEST_APPLESS_MAIN(TestSessionSnapshotStore)
#include "test_session_snapshot_store.moc"

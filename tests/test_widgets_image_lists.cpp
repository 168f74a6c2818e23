#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include "support/TestPaths.h"
#include "ui/widgets/ImageSlot.h"
#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/SnapshotStrip.h"
#include "ui/widgets/StyleListView.h"
#include "ui/widgets/StyleRow.h"

using impasto::test::sharedImage;
using impasto::ui::ImageSlot;
using impasto::ui::SnapshotStrip;
using impasto::ui::StyleListView;

namespace {

QImage thumbnail(const QString& fileName) {
    return QImage(sharedImage(fileName))
        .scaled(128, 128, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

// Opens the snapshot's context menu the way a right-click does and triggers the entry `text`.
bool triggerContextEntry(SnapshotStrip& strip, int row, const QString& text) {
    QListWidget* list = strip.list();
    const QPoint position = list->visualItemRect(list->item(row)).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, position,
                            list->viewport()->mapToGlobal(position));
    QApplication::sendEvent(list->viewport(), &event);
    auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
    if (menu == nullptr) {
        return false;
    }
    for (QAction* action : menu->actions()) {
        if (action->text() == text) {
            action->trigger();
            menu->close();
            return true;
        }
    }
    menu->close();
    return false;
}

}  // namespace

class TestWidgetsImageLists : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void snapshotsAreListedWithIds() {
        SnapshotStrip strip;
        QCOMPARE(strip.selectedId(), -1);
        QVERIFY(!strip.exportAction()->isEnabled());
        strip.addSnapshot(7, thumbnail("tubingen.jpg"), "Iteration 100");
        strip.addSnapshot(9, thumbnail("starry_night.jpg"), "Iteration 200");
        QCOMPARE(strip.count(), 2);
        QCOMPARE(strip.list()->item(1)->text(), QString("Iteration 200"));
        QVERIFY(!strip.list()->item(0)->icon().isNull());
        strip.addSnapshot(9, thumbnail("the_scream.jpg"), "Iteration 200 (best)");
        QCOMPARE(strip.count(), 2);  // same id: replaced, not added
        QCOMPARE(strip.list()->item(1)->text(), QString("Iteration 200 (best)"));
        strip.setSelectedId(9);
        QCOMPARE(strip.selectedId(), 9);
        QVERIFY(strip.exportAction()->isEnabled());
        strip.clear();
        QCOMPARE(strip.count(), 0);
        QCOMPARE(strip.selectedId(), -1);
        QVERIFY(!strip.continueAction()->isEnabled());
    }

    void doubleClickAndEnterActivate() {
        SnapshotStrip strip;
        strip.resize(500, 180);
        strip.addSnapshot(3, thumbnail("tubingen.jpg"), "Iteration 50");
        strip.addSnapshot(4, thumbnail("golden_gate.jpg"), "Iteration 60");
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        QSignalSpy activated(&strip, &SnapshotStrip::snapshotActivated);
        QListWidget* list = strip.list();
        const QPoint second = list->visualItemRect(list->item(1)).center();
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, second);
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, second);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated[0][0].toInt(), 4);
        QCOMPARE(strip.selectedId(), 4);

        QTest::keyClick(list, Qt::Key_Left);
        QCOMPARE(strip.selectedId(), 3);
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(activated.size(), 2);
        QCOMPARE(activated[1][0].toInt(), 3);
    }

    void contextMenuEntriesCarryTheRightId() {
        SnapshotStrip strip;
        strip.resize(500, 180);
        strip.addSnapshot(11, thumbnail("tubingen.jpg"), "Iteration 10");
        strip.addSnapshot(12, thumbnail("starry_night.jpg"), "Iteration 20");
        strip.addSnapshot(13, thumbnail("the_scream.jpg"), "Iteration 30");
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        QSignalSpy exported(&strip, &SnapshotStrip::exportRequested);
        QSignalSpy continued(&strip, &SnapshotStrip::continueRequested);
        QSignalSpy activated(&strip, &SnapshotStrip::snapshotActivated);

        QVERIFY(triggerContextEntry(strip, 1, strip.exportAction()->text()));
        QCOMPARE(exported.size(), 1);
        QCOMPARE(exported[0][0].toInt(), 12);
        QVERIFY(triggerContextEntry(strip, 2, strip.continueAction()->text()));
        QCOMPARE(continued.size(), 1);
        QCOMPARE(continued[0][0].toInt(), 13);
        QVERIFY(triggerContextEntry(strip, 0, strip.viewAction()->text()));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated[0][0].toInt(), 11);

        // The small export button acts on the selection too.
        QToolButton* exportButton = nullptr;
        for (QToolButton* button : strip.findChildren<QToolButton*>()) {
            if (button->defaultAction() == strip.exportAction()) {
                exportButton = button;
            }
        }
        QVERIFY(exportButton != nullptr);
        QTest::mouseClick(exportButton, Qt::LeftButton);
        QCOMPARE(exported.size(), 2);
        QCOMPARE(exported[1][0].toInt(), 11);
    }

    void styleRowsReportTheirCurrentIndex() {
        StyleListView styles;
        styles.addStyle("/art/starry_night.jpg", thumbnail("starry_night.jpg"), 1.0,
                        QSize(1024, 640));
        styles.addStyle("/art/the_scream.jpg", thumbnail("the_scream.jpg"), 0.5);
        styles.addStyle("/art/golden_gate.jpg", thumbnail("golden_gate.jpg"), 0.25);
        QCOMPARE(styles.count(), 3);
        QCOMPARE(styles.weights(), (QList<double>{1.0, 0.5, 0.25}));
        QVERIFY(styles.row(0)->nameLabel()->toolTip().contains("1024 × 640"));
        QVERIFY(styles.row(0)->nameLabel()->toolTip().contains("/art/starry_night.jpg"));
        QCOMPARE(styles.row(1)->nameLabel()->text(), QString("the_scream.jpg"));

        QSignalSpy removeRequests(&styles, &StyleListView::removeRequested);
        QSignalSpy weightChanges(&styles, &StyleListView::weightChanged);
        QTest::mouseClick(styles.row(0)->removeButton(), Qt::LeftButton);
        QCOMPARE(removeRequests.size(), 1);
        QCOMPARE(removeRequests[0][0].toInt(), 0);
        QCOMPARE(styles.count(), 3);  // asking is not removing
        styles.removeStyle(0);
        QCOMPARE(styles.paths(), (QStringList{"/art/the_scream.jpg", "/art/golden_gate.jpg"}));

        // The row that was third is now second.
        QDoubleSpinBox* weight = styles.row(1)->weightControl()->spinBox();
        weight->selectAll();
        QTest::keyClicks(weight, "0.8");
        QTest::keyClick(weight, Qt::Key_Return);
        QCOMPARE(weightChanges.size(), 1);
        QCOMPARE(weightChanges[0][0].toInt(), 1);
        QCOMPARE(weightChanges[0][1].toDouble(), 0.8);
        QTest::keyClick(styles.row(1), Qt::Key_Delete);
        QCOMPARE(removeRequests.size(), 2);
        QCOMPARE(removeRequests[1][0].toInt(), 1);

        styles.setWeight(0, 0.3);
        QCOMPARE(weightChanges.size(), 2);
        QCOMPARE(weightChanges[1][0].toInt(), 0);
        QCOMPARE(styles.weights(), (QList<double>{0.3, 0.8}));
        styles.setWeight(5, 0.3);  // out of range: ignored
        styles.removeStyle(-1);
        QCOMPARE(styles.count(), 2);
        styles.clear();
        QCOMPARE(styles.count(), 0);
        QVERIFY(styles.weights().isEmpty());
    }

    void imageSlotShowsThePhoto() {
        ImageSlot slot("Photo");
        QSignalSpy opens(&slot, &ImageSlot::openRequested);
        QSignalSpy clears(&slot, &ImageSlot::clearRequested);
        QVERIFY(!slot.hasImage());
        QVERIFY(slot.thumbnailLabel()->text().contains("Drop a photo"));
        QTest::mouseClick(slot.openButton(), Qt::LeftButton);
        QCOMPARE(opens.size(), 1);

        const QString path = sharedImage("tubingen.jpg");
        slot.setImage(path, thumbnail("tubingen.jpg"), QSize(1024, 768));
        QVERIFY(slot.hasImage());
        QCOMPARE(slot.path(), path);
        QCOMPARE(slot.nameLabel()->text(), QString("tubingen.jpg"));
        QVERIFY(slot.sizeLabel()->text().contains("1024 × 768"));
        QVERIFY(!slot.thumbnailLabel()->pixmap().isNull());
        QVERIFY(!slot.clearButton()->isHidden());
        QTest::mouseClick(slot.clearButton(), Qt::LeftButton);
        QCOMPARE(clears.size(), 1);
        QVERIFY(slot.hasImage());  // the caller decides
        slot.clear();
        QVERIFY(!slot.hasImage());
        QVERIFY(slot.thumbnailLabel()->pixmap().isNull());
        QVERIFY(slot.clearButton()->isHidden());
        QTest::mouseClick(slot.thumbnailLabel(), Qt::LeftButton);
        QCOMPARE(opens.size(), 2);
    }
};

QTEST_MAIN(TestWidgetsImageLists)
#include "test_widgets_image_lists.moc"

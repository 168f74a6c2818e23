// The batch dialog, offscreen, on the real session worker with the SqueezeNet weights: a folder
// made here with two shared photos and a broken file is painted into a new results folder; the
// broken file is reported and skipped, and an existing result is never overwritten. The batch
// runs in a worker of its own: the window's worker loads no photo and takes no snapshot.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/image/RecipeFile.h"
#include "support/TestPaths.h"
#include "support/TestTimeouts.h"
#include "ui/dialogs/BatchDialog.h"
#include "ui/session/SessionController.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(30000);

}  // namespace

class TestBatchDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void folderIsPaintedAndTheBrokenPhotoSkipped() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString photos = dir.filePath("photos");
        QVERIFY(QDir().mkpath(photos));
        QVERIFY(QFile::copy(test::sharedImage("tubingen.jpg"), photos + "/a-tubingen.jpg"));
        QVERIFY(QFile::copy(test::sharedImage("the_scream.jpg"), photos + "/c-scream.jpg"));
        QFile broken(photos + "/b-broken.jpg");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("This is not a picture.\n");
        broken.close();
        const QString results = dir.filePath("results");
        // A result already there from an earlier batch stays as it is.
        QVERIFY(QDir().mkpath(results));
        QFile earlier(results + "/a-tubingen-impasto.png");
        QVERIFY(earlier.open(QIODevice::WriteOnly));
        earlier.write("earlier");
        earlier.close();

        SessionController controller;
        bool modelLoaded = false;
        int stylesAdded = 0;
        connect(&controller.worker(), &SessionWorker::modelLoaded, this,
                [&] { modelLoaded = true; });
        connect(&controller.worker(), &SessionWorker::styleAdded, this, [&] { ++stylesAdded; });
        controller.loadModel(test::sharedWeights("squeezenet1_1-features.safetensors"));
        controller.post([style = test::sharedImage("starry_night.jpg")](SessionWorker& worker) {
            worker.addStyle(style);
        });
        StyleSettings settings;
        settings.outputSize = 48;
        controller.worker().submitSettings(settings);
        QTRY_VERIFY_WITH_TIMEOUT(modelLoaded && stylesAdded == 1, kTimeoutMs);

        QSignalSpy windowPhotos(&controller.worker(), &SessionWorker::contentLoaded);
        QSignalSpy windowSnapshots(&controller.worker(), &SessionWorker::snapshotTaken);
        QSignalSpy windowStates(&controller.worker(), &SessionWorker::stateChanged);
        BatchDialog dialog(controller, 3);
        dialog.show();
        QVERIFY(!dialog.startButton()->isEnabled());
        dialog.addFolder(photos);
        QCOMPARE(dialog.photoList()->count(), 3);
        QVERIFY(dialog.photoList()->item(0)->text().endsWith("a-tubingen.jpg"));
        dialog.setOutputFolder(results);
        // Once the batch's own worker has the window's model, painting and settings.
        QTRY_VERIFY_WITH_TIMEOUT(dialog.startButton()->isEnabled(), kTimeoutMs);
        QTest::mouseClick(dialog.startButton(), Qt::LeftButton);
        QVERIFY(dialog.cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(dialog.summary()->text().contains("photos written"), kTimeoutMs);

        QVERIFY2(dialog.summary()->text().startsWith("2 of 3 photos written"),
                 qPrintable(dialog.summary()->text()));
        QVERIFY2(dialog.summary()->text().contains("b-broken.jpg"),
                 qPrintable(dialog.summary()->text()));
        QVERIFY2(dialog.photoList()->item(1)->text().contains("failed, skipped"),
                 qPrintable(dialog.photoList()->item(1)->text()));
        QCOMPARE(dialog.overallProgress()->value(), dialog.overallProgress()->maximum());
        QVERIFY(!dialog.cancelButton()->isEnabled());
        QCOMPARE(QDir(results).entryList(QDir::Files, QDir::Name),
                 (QStringList{"a-tubingen-impasto-2.png", "a-tubingen-impasto.png",
                              "c-scream-impasto.png"}));
        QFile kept(results + "/a-tubingen-impasto.png");
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("earlier"));
        // Each result is of its own photo: tubingen is landscape, The Scream portrait.
        QCOMPARE(QImage(results + "/a-tubingen-impasto-2.png").size(), QSize(48, 36));
        const QImage scream(results + "/c-scream-impasto.png");
        QCOMPARE(scream.height(), 48);
        QVERIFY2(scream.width() < 40, qPrintable(QString::number(scream.width())));
        // Each result is a complete recipe: its photo and the window's painting by file.
        const Recipe recipe = loadRecipe((results + "/c-scream-impasto.png").toStdString());
        QVERIFY(recipe.inputs.content && recipe.inputs.content->ends_with("c-scream.jpg"));
        QCOMPARE(recipe.inputs.styles.size(), size_t(1));
        QVERIFY2(recipe.inputs.styles.front().ends_with("starry_night.jpg"),
                 recipe.inputs.styles.front().c_str());
        // The painting and settings came from the window's worker; its own state is untouched.
        QCOMPARE(windowPhotos.size(), 0);
        QCOMPARE(windowSnapshots.size(), 0);
        QCOMPARE(windowStates.size(), 0);
    }
};

QTEST_MAIN(TestBatchDialog)
#include "test_batch_dialog.moc"

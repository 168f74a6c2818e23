// Fast styles in the desktop app, offscreen, on the real engine with the SqueezeNet weights and
// the shared pictures: the Train Fast Style dialog trains a tiny style (64 px crops, width 0.25)
// in its worker thread, reports progress, a preview and skipped photos, pauses, cancels within a
// step and resumes from the checkpoint (a timed training only for the time it has left); the
// window's fast style list shows the style (styles of one painting told apart), choosing
// it stylises the photo into an exportable starting image, and broken style files are reported.
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "core/image/RecipeFile.h"
#include "support/MainWindowDriver.h"
#include "support/PictureDifference.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"
#include "support/TestTimeouts.h"
#include "ui/dialogs/FastTrainingDialog.h"
#include "ui/panels/FastStyleList.h"
#include "ui/panels/MessageBanner.h"
#include "ui/panels/RunStatusBar.h"
#include "ui/session/FastStyleSummary.h"
#include "ui/session/FastTrainingController.h"
#include "ui/session/SessionController.h"
#include "ui/widgets/LossCurveView.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(60000);

}  // namespace

class TestFastStyleApp : public QObject {
    Q_OBJECT

    QTemporaryDir home_;
    QString photos_;  // two shared photos and a broken file
    QString trainedStyle_;

    // A dialog set up for a tiny training of `steps` steps into `styleFile`.
    std::unique_ptr<FastTrainingDialog> tinyTraining(const QString& styleFile, int steps) {
        FastTrainingRequest defaults;
        defaults.painting = test::sharedImage("starry_night.jpg");
        defaults.model = test::sharedWeights("squeezenet1_1-features.safetensors");
        defaults.previewPhoto = test::sharedImage("tubingen.jpg");
        auto dialog = std::make_unique<FastTrainingDialog>(defaults);
        dialog->photosEdit()->setText(photos_);
        dialog->styleFileEdit()->setText(styleFile);
        dialog->trainSizeBox()->setValue(64);
        dialog->widthBox()->setCurrentIndex(dialog->widthBox()->findData(0.25));
        dialog->durationBox()->setCurrentIndex(
            dialog->durationBox()->findData(FastTrainingDialog::kStepsChoice));
        dialog->stepsBox()->setValue(steps);
        dialog->show();
        return dialog;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(home_.isValid());
        test::useFreshHome(home_);
        photos_ = home_.filePath("photos");
        QVERIFY(QDir().mkpath(photos_));
        QVERIFY(QFile::copy(test::sharedImage("photos/chelsea.png"), photos_ + "/a-chelsea.png"));
        QVERIFY(QFile::copy(test::sharedImage("photos/coffee.png"), photos_ + "/c-coffee.png"));
        QFile broken(photos_ + "/b-broken.jpg");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("This is not a picture.\n");
    }

    void dialogTrainsALoadableStyle() {
        trainedStyle_ = home_.filePath("starry.safetensors");
        auto dialog = tinyTraining(trainedStyle_, 8);
        QSignalSpy progressed(&dialog->controller().worker(), &FastTrainingWorker::progressed);
        QSignalSpy previews(&dialog->controller().worker(), &FastTrainingWorker::previewReady);
        QSignalSpy trained(dialog.get(), &FastTrainingDialog::styleTrained);
        QVERIFY(dialog->trainButton()->isEnabled());
        QTest::mouseClick(dialog->trainButton(), Qt::LeftButton);
        QVERIFY(!dialog->trainButton()->isEnabled());
        QVERIFY(!dialog->widthBox()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(trained.count(), 1, kTimeoutMs);
        QCOMPARE(trained.at(0).at(0).toString(), trainedStyle_);

        QCOMPARE(progressed.count(), 8);
        QList<double> losses;
        for (const QList<QVariant>& step : progressed) {
            losses.append(step.at(3).toDouble());
            QVERIFY(std::isfinite(losses.last()) && losses.last() > 0.0);
        }
        QCOMPARE(progressed.last().at(0).toInt(), 8);
        QCOMPARE(progressed.last().at(1).toDouble(), 1.0);
        qInfo("training loss: first %g, last %g", losses.first(), losses.last());
        QVERIFY2(losses.last() < losses.first(), "eight steps of Adam lower the loss");
        QCOMPARE(dialog->lossCurve()->pointCount(), 8);
        QCOMPARE(dialog->progressBar()->value(), dialog->progressBar()->maximum());
        QVERIFY(previews.count() >= 2);  // the untrained network's and the final one
        QVERIFY(!dialog->previewLabel()->pixmap().isNull());
        QVERIFY2(dialog->messageLabel()->text().contains("b-broken.jpg"),
                 qPrintable(dialog->messageLabel()->text()));
        QVERIFY(dialog->trainButton()->isEnabled());

        const FastStyleSummary summary = readFastStyleSummary(trainedStyle_);
        QVERIFY2(summary.isValid(), qPrintable(summary.error));
        QCOMPARE(summary.steps, 8);
        QCOMPARE(summary.width, 0.25);
        QCOMPARE(summary.paintingName, QString("starry_night"));
        QVERIFY(!summary.thumbnail.isNull());
        QVERIFY(!QFileInfo::exists(trainedStyle_ + ".checkpoint"));

        // Training it again would overwrite a finished style: refused in the dialog.
        QTest::mouseClick(dialog->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->messageLabel()->text().contains("already holds"),
                                 kTimeoutMs);
    }

    void pauseResumeAndCancelActWithinAStep() {
        const QString styleFile = home_.filePath("long.safetensors");
        auto dialog = tinyTraining(styleFile, 100000);
        FastTrainingWorker& worker = dialog->controller().worker();
        QSignalSpy progressed(&worker, &FastTrainingWorker::progressed);
        QSignalSpy paused(&worker, &FastTrainingWorker::paused);
        QSignalSpy cancelled(&worker, &FastTrainingWorker::cancelled);
        QTest::mouseClick(dialog->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() >= 2, kTimeoutMs);

        // Steps here take a fraction of a second; the step shown may lag the worker's by one.
        QElapsedTimer sinceClick;
        sinceClick.start();
        QTest::mouseClick(dialog->pauseButton(), Qt::LeftButton);
        int clickedAt = progressed.last().at(0).toInt();
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, kTimeoutMs);
        qInfo("paused %lld ms after the click", static_cast<long long>(sinceClick.elapsed()));
        QVERIFY(paused.at(0).at(0).toInt() <= clickedAt + 2);
        QVERIFY(sinceClick.elapsed() < 5000);
        // The spy hears it on the worker's thread, before the dialog's queued slot runs.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->resumeButton()->isEnabled(), kTimeoutMs);
        QVERIFY(QFileInfo::exists(styleFile + ".checkpoint"));
        const int pausedSteps = progressed.count();
        QTest::qWait(300);
        QCOMPARE(progressed.count(), pausedSteps);  // paused means no steps

        QTest::mouseClick(dialog->resumeButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() >= pausedSteps + 2, kTimeoutMs);
        sinceClick.start();
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
        clickedAt = progressed.last().at(0).toInt();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, kTimeoutMs);
        qInfo("cancelled %lld ms after the click", static_cast<long long>(sinceClick.elapsed()));
        QVERIFY(sinceClick.elapsed() < 5000);
        const int stoppedAt = cancelled.at(0).at(0).toInt();
        QVERIFY2(stoppedAt <= clickedAt + 2, qPrintable(QString("clicked at step %1, stopped "
                                                                "at %2")
                                                            .arg(clickedAt)
                                                            .arg(stoppedAt)));
        QVERIFY(!QFileInfo::exists(styleFile));
        QVERIFY(QFileInfo::exists(styleFile + ".checkpoint"));
        // The spy hears the signal on the worker's thread, before the dialog's queued slot runs.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->trainButton()->isEnabled(), kTimeoutMs);

        // Training the same file again resumes from the checkpoint.
        QSignalSpy prepared(&worker, &FastTrainingWorker::prepared);
        const int before = progressed.count();
        QTest::mouseClick(dialog->trainButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(prepared.count(), 1, kTimeoutMs);
        QCOMPARE(prepared.at(0).at(1).toInt(), stoppedAt);
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() > before, kTimeoutMs);
        QCOMPARE(progressed.at(before).at(0).toInt(), stoppedAt + 1);
        // Closing the dialog cancels the training and joins its thread.
        dialog->reject();
        dialog.reset();
    }

    // A timed training resumed after a stop trains only the time it has left: the checkpoint
    // keeps the training time (a resume used to start the full time again), and the dialog
    // says how much is left.
    void aTimedTrainingResumedTrainsOnlyTheTimeLeft() {
        const QString styleFile = home_.filePath("timed.safetensors");
        auto dialog = tinyTraining(styleFile, 1);
        FastTrainingWorker& worker = dialog->controller().worker();
        QSignalSpy progressed(&worker, &FastTrainingWorker::progressed);
        QSignalSpy prepared(&worker, &FastTrainingWorker::prepared);
        QSignalSpy cancelled(&worker, &FastTrainingWorker::cancelled);
        QSignalSpy finished(&worker, &FastTrainingWorker::finished);
        FastTrainingRequest threeSeconds = dialog->request();
        threeSeconds.steps = 0;
        threeSeconds.timeLimitSeconds = 3;
        dialog->controller().train(threeSeconds);
        QTRY_VERIFY_WITH_TIMEOUT(!progressed.isEmpty() && progressed.last().at(1).toDouble() >= 0.4,
                                 kTimeoutMs);
        dialog->controller().cancel();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, kTimeoutMs);
        const double trained = progressed.last().at(1).toDouble() * 3;
        QVERIFY(trained < 3.0);

        // The Quick preset resumed: 5 minutes less the time trained.
        QString shownWhenPrepared;
        connect(&worker, &FastTrainingWorker::prepared, dialog.get(),
                [&] { shownWhenPrepared = dialog->statusLabel()->text(); });
        dialog->durationBox()->setCurrentIndex(dialog->durationBox()->findData(5 * 60));
        // The spy hears the cancel on the worker's thread, before the dialog re-enables Train.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->trainButton()->isEnabled(), kTimeoutMs);
        QTest::mouseClick(dialog->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!shownWhenPrepared.isEmpty(), kTimeoutMs);
        QVERIFY(qAbs(prepared.last().at(3).toDouble() - trained) < 1e-6);
        const QString left = RunStatusBar::duration(5 * 60 - trained) + " left";
        QVERIFY2(shownWhenPrepared.contains(left), qPrintable(shownWhenPrepared));
        int before = progressed.count();
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() > before, kTimeoutMs);
        QVERIFY(progressed.at(before).at(2).toDouble() < 5 * 60 - trained);
        dialog->controller().cancel();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->trainButton()->isEnabled(), kTimeoutMs);

        // Three seconds in all: it goes on where it stopped and finishes on time.
        const double trainedSoFar = progressed.last().at(1).toDouble() * 5 * 60;
        before = progressed.count();
        QElapsedTimer resumed;
        resumed.start();
        dialog->controller().train(threeSeconds);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY(qAbs(prepared.last().at(3).toDouble() - trainedSoFar) < 1e-3);
        if (progressed.count() > before) {
            QVERIFY(progressed.at(before).at(1).toDouble() > trainedSoFar / 3);
        }
        QCOMPARE(progressed.last().at(1).toDouble(), 1.0);
        qInfo("resumed at %.2f s of 3 s, finished %lld ms later", trainedSoFar,
              static_cast<long long>(resumed.elapsed()));
        QVERIFY(QFileInfo::exists(styleFile));
    }

    void choosingAStyleStylisesThePhoto() {
        QVERIFY(!trainedStyle_.isEmpty());
        auto window = test::readyWindow(96, 5, kTimeoutMs);
        QVERIFY(window);
        FastStyleList* list = window->fastStyles();
        QSignalSpy loaded(list, &FastStyleList::stylesLoaded);
        list->addFile(trainedStyle_);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1 && list->list()->count() == 1, kTimeoutMs);
        QListWidgetItem* item = list->list()->item(0);
        QCOMPARE(item->text(), QString("starry_night"));
        QVERIFY(!item->icon().isNull());

        list->show();
        list->list()->scrollToItem(item);
        QSignalSpy applied(&window->controller().worker(), &SessionWorker::fastStyleApplied);
        // The spy hears it on the worker's thread; this, queued behind the picture, once the
        // window has shown it.
        bool shown = false;
        connect(&window->controller().worker(), &SessionWorker::fastStyleApplied, window.get(),
                [&shown] { shown = true; });
        QTest::mouseClick(list->list()->viewport(), Qt::LeftButton, {},
                          list->list()->visualItemRect(item).center());
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(shown, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window->preview()->image().isNull(), kTimeoutMs);
        const QImage styled = window->preview()->image();
        const double difference =
            test::meanDifference(styled, QImage(test::sharedImage("tubingen.jpg"))) * 255.0;
        qInfo("stylised preview %dx%d differs from the photo by %.1f of 255", styled.width(),
              styled.height(), difference);
        QVERIFY(difference > 10.0);
        QCOMPARE(window->parameterPanel()->settings().init, InitKind::Image);

        // Exported like any result.
        QVERIFY(window->exportAction()->isEnabled());
        const QString exported = home_.filePath("styled.png");
        QSignalSpy written(&window->controller().worker(), &SessionWorker::exported);
        window->exportTo(exported, 8);
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, kTimeoutMs);
        QVERIFY(test::meanDifference(QImage(exported), styled) * 255.0 < 2.0);
        // Its recipe names the fast style it is the result of: the start, refined 0 iterations.
        const Recipe recipe = loadRecipe(test::toPath(exported));
        QCOMPARE(recipe.settings.init, InitKind::Image);
        QCOMPARE(recipe.inputs.initImage, std::optional(trainedStyle_.toStdString()));
        QVERIFY(recipe.inputs.initIsFastStyle);
        QCOMPARE(recipe.inputs.iterations, std::optional(0));

        // Remembered: a new list shows it again.
        FastStyleList again;
        QSignalSpy againLoaded(&again, &FastStyleList::stylesLoaded);
        QTRY_VERIFY_WITH_TIMEOUT(againLoaded.count() >= 1, kTimeoutMs);
        QCOMPARE(again.list()->count(), 1);
    }

    // Two styles trained from one painting used to show the same name: the file's name tells
    // them apart, and its folder too where the files' names are alike.
    void stylesOfOnePaintingAreToldApart() {
        QVERIFY(!trainedStyle_.isEmpty());
        const QString longer = home_.filePath("starry-long.safetensors");
        const QString elsewhere = home_.filePath("other/starry.safetensors");
        QVERIFY(QDir().mkpath(home_.filePath("other")));
        QVERIFY(QFile::copy(trainedStyle_, longer));
        QVERIFY(QFile::copy(trainedStyle_, elsewhere));
        FastStyleList list;
        list.addFile(longer);
        list.addFile(elsewhere);
        const auto names = [&list] {
            QStringList shown;
            for (int row = 0; row < list.list()->count(); ++row) {
                shown << list.list()->item(row)->text();
            }
            shown.sort();
            return shown;
        };
        const QString folder = QFileInfo(home_.path()).fileName();
        QTRY_COMPARE_WITH_TIMEOUT(
            names(),
            (QStringList{"starry_night (other/starry)", "starry_night (starry-long)",
                         "starry_night (" + folder + "/starry)"}),
            kTimeoutMs);
    }

    void brokenStyleFilesAreReportedInTheWindow() {
        QVERIFY(!trainedStyle_.isEmpty());
        MainWindow window;
        window.show();
        QFile whole(trainedStyle_);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        const QString truncated = home_.filePath("half.safetensors");
        QFile cut(truncated);
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(bytes.left(bytes.size() / 2));
        cut.close();
        QSignalSpy failed(window.fastStyles(), &FastStyleList::loadFailed);
        const int listed = window.fastStyles()->list()->count();
        window.fastStyles()->addFile(truncated);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        const QString message = failed.at(0).at(0).toString();
        qInfo("%s", qPrintable(message));
        QVERIFY2(message.contains("half.safetensors") && message.contains("past the end"),
                 qPrintable(message));
        QVERIFY2(window.banner()->text().contains("half.safetensors"),
                 qPrintable(window.banner()->text()));
        QCOMPARE(window.fastStyles()->list()->count(), listed);

        window.fastStyles()->addFile(test::sharedWeights("squeezenet1_1-features.safetensors"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, kTimeoutMs);
        QVERIFY2(failed.at(1).at(0).toString().contains("not an Impasto fast style"),
                 qPrintable(failed.at(1).at(0).toString()));
    }
};

QTEST_MAIN(TestFastStyleApp)
#include "test_fast_style_app.moc"

// The session worker and its controller without windows, on the real SqueezeNet weights and the
// shared photos at small sizes: frames are throttled and dropped while unconsumed, the newest
// settings win, a painting changed mid-run recomputes only the style targets, and stop and
// cancel take effect within an iteration, preparation included.
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

#include <atomic>
#include <cmath>
#include <memory>

#include "core/fast/FastStyleFile.h"
#include "core/fast/TransformNetwork.h"
#include "core/image/RecipeFile.h"
#include "core/planning/ScalePlan.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"
#include "support/TestTimeouts.h"
#include "ui/session/SessionController.h"
#include "ui/session/SessionWorker.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

const int kTimeoutMs = test::scaledTimeoutMs(20000);

QString squeezeNetFile() {
    return test::sharedWeights("squeezenet1_1-features.safetensors");
}

StyleSettings settingsAt(int size) {
    StyleSettings settings;
    settings.outputSize = size;
    return settings;
}

// Everything a controller's worker reported, in order, as received on the test's thread.
struct Recorder {
    QList<SessionFrame> frames;
    QList<RunState> states;
    QList<int> appliedRevisions;
    QList<int> appliedIterations;
    QList<StyleSettings> appliedSettings;
    QList<SessionCounters> appliedCounters;
    QStringList failures;
    bool modelLoaded = false;
    int inputsLoaded = 0;

    // The controller is the context of each connection: the worker's thread queues to it.
    explicit Recorder(SessionController& controller) {
        SessionWorker* worker = &controller.worker();
        QObject::connect(worker, &SessionWorker::frameReady, &controller,
                         [this](const SessionFrame& frame) { frames.append(frame); });
        QObject::connect(worker, &SessionWorker::stateChanged, &controller,
                         [this](RunState state) { states.append(state); });
        QObject::connect(worker, &SessionWorker::settingsApplied, &controller,
                         [this](const StyleSettings& settings, const SessionCounters& counters,
                                int iteration, int revision) {
                             appliedRevisions.append(revision);
                             appliedIterations.append(iteration);
                             appliedSettings.append(settings);
                             appliedCounters.append(counters);
                         });
        QObject::connect(worker, &SessionWorker::modelLoaded, &controller,
                         [this] { modelLoaded = true; });
        QObject::connect(worker, &SessionWorker::contentLoaded, &controller,
                         [this] { ++inputsLoaded; });
        QObject::connect(worker, &SessionWorker::styleAdded, &controller,
                         [this] { ++inputsLoaded; });
        for (auto signal : {&SessionWorker::loadFailed, &SessionWorker::modelLoadFailed,
                            &SessionWorker::runFailed, &SessionWorker::exportFailed}) {
            QObject::connect(worker, signal, &controller,
                             [this](const QString& message) { failures.append(message); });
        }
    }

    int lastIteration() const { return frames.isEmpty() ? 0 : frames.last().iteration; }
};

// A controller with SqueezeNet, tubingen as content and starry_night as style, at `size`.
bool prepareTubingen(SessionController& controller, Recorder& recorder, int size) {
    controller.loadModel(squeezeNetFile());
    controller.post([content = test::sharedImage("tubingen.jpg"),
                     style = test::sharedImage("starry_night.jpg")](SessionWorker& worker) {
        worker.loadContent(content);
        worker.addStyle(style);
    });
    controller.worker().submitSettings(settingsAt(size));
    return QTest::qWaitFor([&] { return recorder.modelLoaded && recorder.inputsLoaded == 2; },
                           kTimeoutMs) &&
           recorder.failures.isEmpty();
}

}  // namespace

class TestSessionWorker : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void framesAreThrottledAndCarryEveryLoss() {
        SessionController controller;
        Recorder recorder(controller);
        QVERIFY(prepareTubingen(controller, recorder, 64));
        QElapsedTimer timer;
        timer.start();
        controller.start(40);
        QTRY_VERIFY_WITH_TIMEOUT(controller.state() == RunState::Finished, kTimeoutMs);
        const qint64 elapsedMs = timer.elapsed();

        QVERIFY(!recorder.frames.isEmpty());
        // One frame per interval at most, plus the final one.
        QVERIFY2(
            recorder.frames.size() <= 2 + elapsedMs / SessionWorker::kFrameIntervalMs,
            qPrintable(QString("%1 frames in %2 ms").arg(recorder.frames.size()).arg(elapsedMs)));
        QCOMPARE(recorder.lastIteration(), 40);
        // The loss curve still gets every iteration, once, in order.
        QList<int> iterations;
        for (const SessionFrame& frame : recorder.frames) {
            QCOMPARE(frame.image.size(), frame.outputSize);
            QCOMPARE(qMax(frame.outputSize.width(), frame.outputSize.height()), 64);
            for (const LossPoint& point : frame.lossHistory) {
                iterations.append(point.iteration);
            }
        }
        QCOMPARE(iterations.size(), 40);
        for (int i = 0; i < 40; ++i) {
            QCOMPARE(iterations[i], i + 1);
        }
        QVERIFY(recorder.frames.last().iterationsPerSecond > 0.0);
        QCOMPARE(recorder.frames.last().counters.starts, 1);
    }

    // Without a consumer calling frameConsumed(), one frame is sent during the run and the final
    // one at its end: the UI is never flooded.
    void unconsumedFramesAreDropped() {
        QThread thread;
        auto* worker = new SessionWorker(64);
        worker->moveToThread(&thread);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        std::atomic<int> frames{0};
        std::atomic<int> lastIteration{0};
        std::atomic<bool> finished{false};
        connect(worker, &SessionWorker::frameReady, worker, [&](const SessionFrame& frame) {
            ++frames;
            lastIteration = frame.iteration;
        });
        connect(worker, &SessionWorker::stateChanged, worker,
                [&](RunState state) { finished = state == RunState::Finished; });
        thread.start();
        const QString model = squeezeNetFile();
        const QString content = test::sharedImage("tubingen.jpg");
        // Long enough that frames would be due several times over.
        worker->submitSettings(settingsAt(96));
        QMetaObject::invokeMethod(worker, [=] {
            worker->loadModel(model);
            worker->loadContent(content);
            worker->start(40);
        });
        const bool done = QTest::qWaitFor([&] { return finished.load(); }, kTimeoutMs);
        thread.quit();
        thread.wait();
        QVERIFY(done);
        QCOMPARE(frames.load(), 2);
        QCOMPARE(lastIteration.load(), 40);
    }

    void newestSettingsWinWithoutRestart() {
        SessionController controller;
        Recorder recorder(controller);
        QVERIFY(prepareTubingen(controller, recorder, 64));
        controller.start(100000);
        QTRY_VERIFY_WITH_TIMEOUT(recorder.lastIteration() >= 3, kTimeoutMs);

        // Hold the worker between two steps while five changes arrive: it applies only the last.
        QSemaphore held, release;
        controller.post([&](SessionWorker&) {
            held.release();
            release.acquire();
        });
        held.acquire();
        recorder.appliedRevisions.clear();
        const int iterationBeforeChange = recorder.lastIteration();
        int newest = 0;
        for (int i = 1; i <= 5; ++i) {
            StyleSettings settings = settingsAt(64);
            settings.styleWeight = 100.0 * (i + 1);
            newest = controller.worker().submitSettings(settings);
        }
        release.release();
        QTRY_VERIFY_WITH_TIMEOUT(!recorder.appliedRevisions.isEmpty(), kTimeoutMs);
        QCOMPARE(recorder.appliedRevisions, QList<int>{newest});
        QCOMPARE(recorder.appliedSettings.last().styleWeight, 600.0);
        // Applied to the running session: no restart, no new targets for a weight change.
        QCOMPARE(recorder.appliedCounters.last().starts, 1);
        QCOMPARE(recorder.appliedCounters.last().styleTargetComputations, 1);
        QCOMPARE(recorder.appliedCounters.last().contentTargetComputations, 1);
        // The iteration count went on: the change did not start the run again.
        QVERIFY(recorder.appliedIterations.last() > iterationBeforeChange);
        QTRY_VERIFY_WITH_TIMEOUT(recorder.frames.last().settingsRevision == newest, kTimeoutMs);
        controller.stop();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunState::Stopped, kTimeoutMs);
        QVERIFY(recorder.failures.isEmpty());
    }

    // A new style mid-run makes the next step prepare its targets: stopping then interrupts
    // that step, and no iteration completes after the request.
    void stopInterruptsTheStepInProgress() {
        SessionController controller;
        Recorder recorder(controller);
        QVERIFY(prepareTubingen(controller, recorder, 64));
        controller.start(100000);
        QTRY_VERIFY_WITH_TIMEOUT(recorder.lastIteration() >= 3, kTimeoutMs);
        std::atomic<bool> stopRequested{false};
        connect(
            &controller.worker(), &SessionWorker::preparing, &controller.worker(),
            [&](const QString& stage) {
                if (stage == "style" && !stopRequested.exchange(true)) {
                    controller.stop();
                }
            },
            Qt::DirectConnection);
        controller.post([style = test::sharedImage("the_scream.jpg")](SessionWorker& worker) {
            worker.addStyle(style);
        });
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunState::Stopped, kTimeoutMs);
        QVERIFY(stopRequested);
        // The interrupted step computed no new style targets and was undone.
        const SessionFrame last = recorder.frames.last();
        QCOMPARE(last.counters.styleTargetComputations, 1);
        QCOMPARE(last.counters.starts, 1);

        // Still usable: it goes on from where it stopped, with both styles.
        controller.post(
            [target = last.iteration + 2](SessionWorker& worker) { worker.resume(target); });
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunState::Finished, kTimeoutMs);
        QCOMPARE(recorder.lastIteration(), last.iteration + 2);
        QCOMPARE(recorder.frames.last().counters.styleTargetComputations, 2);
        QVERIFY(recorder.failures.isEmpty());
    }

    // A painting added or removed mid-run is the only input handed to the session again: the
    // style targets are recomputed, the content's are not, and the run goes on from its image.
    // New blend weights recompute no targets at all.
    void paintingChangesMidRunRecomputeOnlyTheStyleTargets() {
        SessionController controller;
        Recorder recorder(controller);
        QVERIFY(prepareTubingen(controller, recorder, 64));
        controller.start(100000);
        QTRY_VERIFY_WITH_TIMEOUT(recorder.lastIteration() >= 2, kTimeoutMs);
        const SessionCounters before = recorder.frames.last().counters;

        controller.post([style = test::sharedImage("the_scream.jpg")](SessionWorker& worker) {
            worker.addStyle(style);
        });
        QTRY_VERIFY_WITH_TIMEOUT(recorder.frames.last().counters.styleTargetComputations ==
                                     before.styleTargetComputations + 1,
                                 kTimeoutMs);
        QCOMPARE(recorder.frames.last().counters.contentTargetComputations,
                 before.contentTargetComputations);
        QCOMPARE(recorder.frames.last().counters.starts, before.starts);

        StyleSettings blended = settingsAt(64);
        blended.styleBlend = {1.0, 3.0};
        const int revision = controller.worker().submitSettings(blended);
        QTRY_VERIFY_WITH_TIMEOUT(recorder.appliedRevisions.contains(revision), kTimeoutMs);
        QCOMPARE(recorder.appliedSettings.last().styleBlend, blended.styleBlend);
        const SessionCounters afterBlend = recorder.appliedCounters.last();
        QCOMPARE(afterBlend.styleTargetComputations, before.styleTargetComputations + 1);
        QCOMPARE(afterBlend.contentTargetComputations, before.contentTargetComputations);
        QCOMPARE(afterBlend.starts, before.starts);

        controller.post([](SessionWorker& worker) { worker.removeStyle(0); });
        QTRY_VERIFY_WITH_TIMEOUT(recorder.frames.last().counters.styleTargetComputations ==
                                     before.styleTargetComputations + 2,
                                 kTimeoutMs);
        QCOMPARE(recorder.frames.last().counters.contentTargetComputations,
                 before.contentTargetComputations);
        QCOMPARE(recorder.frames.last().counters.starts, before.starts);

        controller.stop();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunState::Stopped, kTimeoutMs);
        QVERIFY(recorder.failures.isEmpty());
    }

    // A photo and no painting, with the panel's defaults (start at the photo, the model's usual
    // content layer), is feature inversion as in the CLI: from noise at the inversion layer
    // (SqueezeNet's fire3), said in the status; a painting added makes it style transfer again.
    void photoWithoutPaintingsIsFeatureInversion() {
        SessionController controller;
        Recorder recorder(controller);
        QStringList notes;
        QObject::connect(&controller.worker(), &SessionWorker::featureInversionChosen, &controller,
                         [&](const QString& note) { notes.append(note); });
        controller.loadModel(squeezeNetFile());
        controller.post([content = test::sharedImage("tubingen.jpg")](SessionWorker& worker) {
            worker.loadContent(content);
        });
        StyleSettings panelDefaults = settingsAt(64);
        panelDefaults.contentLayers = {{"fire6", 1.0}};
        panelDefaults.init = InitKind::Content;
        controller.worker().submitSettings(panelDefaults);
        QVERIFY(QTest::qWaitFor([&] { return recorder.modelLoaded && recorder.inputsLoaded == 1; },
                                kTimeoutMs));
        controller.start(5);
        QTRY_VERIFY_WITH_TIMEOUT(controller.state() == RunState::Finished, kTimeoutMs);
        QVERIFY2(recorder.failures.isEmpty(), qPrintable(recorder.failures.join("; ")));
        QVERIFY(!notes.isEmpty());
        QVERIFY2(notes.last().contains("from noise") && notes.last().contains("fire3"),
                 qPrintable(notes.last()));

        // Five iterations from noise are far from the photo; started at it they would be it.
        const QImage result = recorder.frames.last().image.convertToFormat(QImage::Format_RGB888);
        const QImage photo =
            QImage(test::sharedImage("tubingen.jpg"))
                .scaled(result.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                .convertToFormat(QImage::Format_RGB888);
        double difference = 0.0;
        for (int y = 0; y < result.height(); ++y) {
            for (int x = 0; x < result.width() * 3; ++x) {
                difference += std::abs(result.constScanLine(y)[x] - photo.constScanLine(y)[x]);
            }
        }
        difference /= 255.0 * result.width() * result.height() * 3;
        QVERIFY2(difference > 0.08, qPrintable(QString("mean difference %1").arg(difference)));

        controller.post([style = test::sharedImage("starry_night.jpg")](SessionWorker& worker) {
            worker.addStyle(style);
        });
        QTRY_VERIFY_WITH_TIMEOUT(notes.last().isEmpty(), kTimeoutMs);
    }

    // Issue 16: a stage evaluated in tiles is announced, as the command line does.
    void tiledStagesAreAnnounced() {
        SessionController controller;
        Recorder recorder(controller);
        QStringList notes;
        QObject::connect(&controller.worker(), &SessionWorker::tilingChosen, &controller,
                         [&](const QString& note) { notes.append(note); });
        QVERIFY(prepareTubingen(controller, recorder, 128));
        StyleSettings tiled = settingsAt(128);
        tiled.coarseToFine = false;
        tiled.tile = kMinimumTileSide;
        controller.worker().submitSettings(tiled);
        controller.start(2);
        QTRY_VERIFY_WITH_TIMEOUT(controller.state() == RunState::Finished, kTimeoutMs);
        QVERIFY2(recorder.failures.isEmpty(), qPrintable(recorder.failures.join("; ")));
        QCOMPARE(notes.size(), 1);  // once, not with every frame
        QVERIFY2(notes.first().startsWith("Tiled: ") && notes.first().contains("tiles of 64 px"),
                 qPrintable(notes.first()));
    }

    // Iterations per scale that add up to more than the target lengthen the run, so that it
    // still ends with real iterations at the final size; the window is told.
    void iterationsPerScaleLengthenAShortRun() {
        SessionController controller;
        Recorder recorder(controller);
        QList<int> raised;
        QObject::connect(&controller.worker(), &SessionWorker::iterationTargetRaised, &controller,
                         [&](int target) { raised.append(target); });
        QVERIFY(prepareTubingen(controller, recorder, 192));
        StyleSettings staged = settingsAt(192);
        staged.minScale = 48;
        staged.initialIterations = 6;
        staged.scaleIterations = 3;
        controller.worker().submitSettings(staged);
        controller.start(4);
        QTRY_VERIFY_WITH_TIMEOUT(controller.state() == RunState::Finished, kTimeoutMs);
        QVERIFY2(recorder.failures.isEmpty(), qPrintable(recorder.failures.join("; ")));
        QCOMPARE(raised.size(), 1);
        // The first stage's 6, every middle stage's 3 and at least 10 at the final size.
        QVERIFY2(raised.first() >= 6 + ScalePlan::kMinimumFinalStageSteps,
                 qPrintable(QString::number(raised.first())));
        QCOMPARE(recorder.lastIteration(), raised.first());
    }

    void cancelDuringPreparationKeepsTheSessionUsable() {
        SessionController controller;
        Recorder recorder(controller);
        QVERIFY(prepareTubingen(controller, recorder, 64));
        // Stop from inside the preparation, on the worker's thread, as it reaches the style.
        QMetaObject::Connection stopper = connect(
            &controller.worker(), &SessionWorker::preparing, &controller.worker(),
            [&](const QString& stage) {
                if (stage == "style") {
                    controller.stop();
                }
            },
            Qt::DirectConnection);
        controller.start(5);
        QTRY_VERIFY_WITH_TIMEOUT(recorder.states.size() >= 2, kTimeoutMs);
        QCOMPARE(recorder.states, (QList<RunState>{RunState::Running, RunState::Idle}));
        QVERIFY(recorder.frames.isEmpty());
        disconnect(stopper);

        controller.start(5);
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunState::Finished, kTimeoutMs);
        QCOMPARE(recorder.lastIteration(), 5);
        // The interrupted preparation never finished the style targets.
        QCOMPARE(recorder.frames.last().counters.styleTargetComputations, 1);
        QVERIFY(recorder.failures.isEmpty());
    }

    // A fast style's result starts from the photo it was applied to: once another photo is
    // loaded, an export's recipe no longer names the fast style as its start.
    void anotherPhotoForgetsTheFastStyleStart() {
        QTemporaryDir folder;
        const QString styleFile = folder.filePath("untrained.safetensors");
        FastStyle style;
        style.network = std::make_shared<TransformNetwork>(0.25, 3);
        style.lossNetwork = "squeezenet1_1";
        style.paintingName = "untrained";
        style.thumbnail = Image(8, 8);
        writeFastStyle(test::toPath(styleFile), style);
        SessionController controller;
        Recorder recorder(controller);
        QVERIFY(prepareTubingen(controller, recorder, 64));
        QSignalSpy applied(&controller.worker(), &SessionWorker::fastStyleApplied);
        controller.post([styleFile](SessionWorker& worker) { worker.applyFastStyle(styleFile); });
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, kTimeoutMs);
        const auto exportedStart = [&](const QString& file) {
            QSignalSpy written(&controller.worker(), &SessionWorker::exported);
            controller.post([file](SessionWorker& worker) { worker.exportImage(file, 8); });
            return written.wait(kTimeoutMs) ? loadRecipe(test::toPath(file)).inputs.initIsFastStyle
                                            : std::optional<bool>();
        };
        QCOMPARE(exportedStart(folder.filePath("fast.png")), std::optional(true));

        controller.post([photo = test::sharedImage("the_scream.jpg")](SessionWorker& worker) {
            worker.loadContent(photo);
        });
        QTRY_COMPARE_WITH_TIMEOUT(recorder.inputsLoaded, 3, kTimeoutMs);
        StyleSettings fromStart = settingsAt(64);
        fromStart.init = InitKind::Image;  // still the fast style's result on tubingen
        controller.worker().submitSettings(fromStart);
        controller.start(2);
        QTRY_VERIFY_WITH_TIMEOUT(controller.state() == RunState::Finished, kTimeoutMs);
        QCOMPARE(exportedStart(folder.filePath("refined.png")), std::optional(false));
        QVERIFY2(recorder.failures.isEmpty(), qPrintable(recorder.failures.join("; ")));
    }

    void unreadableFileLeavesTheInputsAlone() {
        SessionController controller;
        Recorder recorder(controller);
        controller.post(
            [file = squeezeNetFile()](SessionWorker& worker) { worker.loadContent(file); });
        QTRY_VERIFY_WITH_TIMEOUT(!recorder.failures.isEmpty(), kTimeoutMs);
        const QString message = recorder.failures.first();
        QVERIFY2(message.contains("squeezenet1_1-features.safetensors"), qPrintable(message));
        QVERIFY(!message.contains('\n'));
        QCOMPARE(recorder.inputsLoaded, 0);
    }

    void namedPipesNeverBlockTheWorker() {
        // A pipe without a writer would block open() forever, and the worker with it.
        QTemporaryDir dir;
        const QString pipe = dir.filePath("pipe.jpg");
        QCOMPARE(::mkfifo(qPrintable(pipe), 0600), 0);
        SessionController controller;
        Recorder recorder(controller);
        controller.post([pipe, photo = test::sharedImage("tubingen.jpg")](SessionWorker& worker) {
            worker.loadContent(pipe);
            worker.addStyle(pipe);
            worker.loadContent(photo);
        });
        QTRY_COMPARE_WITH_TIMEOUT(recorder.inputsLoaded, 1, kTimeoutMs);
        QCOMPARE(recorder.failures.size(), 2);
        for (const QString& message : recorder.failures) {
            QVERIFY2(message.contains("pipe.jpg is a named pipe, not a file"), qPrintable(message));
        }
    }

    void destroyingWithABusyWorkerReturnsPromptly() {
        // Work without checkpoints (here a wait on a semaphore) cannot be interrupted: the
        // controller leaves it behind rather than hold the window's closing.
        auto controller = std::make_unique<SessionController>();
        auto release = std::make_shared<QSemaphore>();
        auto busy = std::make_shared<QSemaphore>();
        controller->post([release, busy](SessionWorker&) {
            busy->release();
            release->tryAcquire(1, 60000);
        });
        QVERIFY(busy->tryAcquire(1, kTimeoutMs));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("worker did not stop within 800 ms"));
        QElapsedTimer timer;
        timer.start();
        controller.reset();
        QVERIFY2(timer.elapsed() < SessionController::kStopGrace.count() + 500,
                 qPrintable(QString::number(timer.elapsed())));
        QVERIFY(SessionController::anyWorkerAbandoned());
        release->release();  // the abandoned thread ends and deletes its worker
    }

    void destroyingDuringARunIsClean() {
        auto controller = std::make_unique<SessionController>();
        Recorder recorder(*controller);
        QVERIFY(prepareTubingen(*controller, recorder, 128));
        controller->start(100000);
        QTRY_VERIFY_WITH_TIMEOUT(!recorder.frames.isEmpty(), kTimeoutMs);
        controller.reset();  // interrupts the step and joins the thread
    }
};

QTEST_GUILESS_MAIN(TestSessionWorker)
#include "test_session_worker.moc"

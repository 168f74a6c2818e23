// Measures the live loop through the real main window, offscreen, at 256 px with SqueezeNet:
// seconds from Start to the first preview frame, and from a style-weight slider change to the
// first frame rendered with it. Not a test (timings depend on the machine): run it by hand.
//   gui_latency [--screenshot FILE]   also saves the window after 100 iterations at 320 px
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

#include "support/TestPaths.h"
#include "ui/panels/ParameterPanel.h"
#include "ui/panels/RunStatusBar.h"
#include "ui/session/SessionController.h"
#include "ui/widgets/ImageSlot.h"
#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/StyleListView.h"
#include "ui/windows/MainWindow.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

constexpr int kTimeoutMs = 300000;  // generous: the machine may be busy

// Processes events until `done` holds; false after `kTimeoutMs`. Sleeps until an event comes
// (a spinning loop would take a core from the worker), woken at least every 50 ms.
bool waitUntil(const std::function<bool()>& done) {
    QTimer wakeUp;
    wakeUp.start(50);
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > kTimeoutMs) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

double seconds(const QElapsedTimer& timer) {
    return timer.nsecsElapsed() / 1e9;
}

int fail(const char* what) {
    std::fprintf(stderr, "gui_latency: timed out waiting for %s\n", what);
    return 1;
}

}  // namespace

int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    // The user's own settings stay untouched.
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.path().toUtf8());
    QApplication app(argc, argv);
    const QStringList arguments = QApplication::arguments();
    const int screenshotAt = arguments.indexOf("--screenshot");
    const QString screenshot = screenshotAt > 0 ? arguments.value(screenshotAt + 1) : QString();

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    window.loadModel(test::sharedWeights("squeezenet1_1-features.safetensors"));
    if (!waitUntil([&] { return window.isModelReady(); })) {
        return fail("the model");
    }
    ParameterPanel* parameters = window.parameterPanel();
    parameters->outputSizeBox()->setValue(256);
    parameters->iterationsBox()->setValue(100000);
    window.openUrls({QUrl::fromLocalFile(test::sharedImage("tubingen.jpg")),
                     QUrl::fromLocalFile(test::sharedImage("starry_night.jpg"))},
                    MainWindow::DropTarget::Automatic);
    if (!waitUntil(
            [&] { return window.contentSlot()->hasImage() && window.styleList()->count() == 1; })) {
        return fail("the images");
    }

    QElapsedTimer timer;
    timer.start();
    window.startAction()->trigger();
    if (!waitUntil([&] { return window.framesShown() >= 1; })) {
        return fail("the first frame");
    }
    std::printf("Start to first preview frame: %.3f s (iteration %d)\n", seconds(timer),
                window.shownIteration());

    // Several slider changes, each timed to the first frame made with it.
    int newestRevision = 0;
    QObject::connect(&window.controller().worker(), &SessionWorker::frameReady, &window,
                     [&](const SessionFrame& frame) {
                         newestRevision = std::max(newestRevision, frame.settingsRevision);
                     });
    QSlider* slider = parameters->styleWeightControl()->slider();
    std::vector<double> latencies;
    for (int change = 0; change < 6; ++change) {
        const int iteration = window.shownIteration();
        if (!waitUntil([&] { return window.shownIteration() >= iteration + 3; })) {
            return fail("iterations");
        }
        timer.restart();
        slider->setValue(slider->value() + (change % 2 == 0 ? 40 : -40));
        const int revision = window.sentSettingsRevision();
        if (!waitUntil([&] { return newestRevision >= revision; })) {
            return fail("a frame with the new style weight");
        }
        latencies.push_back(seconds(timer));
        std::printf("Style weight change to first frame with it: %.3f s (%s)\n", latencies.back(),
                    qPrintable(window.runStatus()->speedText()));
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("Median over %zu changes: %.3f s\n", latencies.size(),
                latencies[latencies.size() / 2]);

    if (!screenshot.isEmpty()) {
        window.stopAction()->trigger();
        if (!waitUntil([&] { return window.controller().state() == RunState::Stopped; })) {
            return fail("the run to stop");
        }
        parameters->styleWeightControl()->reset();
        parameters->outputSizeBox()->setValue(320);
        parameters->iterationsBox()->setValue(100);
        window.startAction()->trigger();
        if (!waitUntil([&] { return window.controller().state() == RunState::Finished; })) {
            return fail("100 iterations");
        }
        if (!window.grab().save(screenshot)) {
            std::fprintf(stderr, "gui_latency: cannot write %s\n", qPrintable(screenshot));
            return 1;
        }
        std::printf("Saved %s after %d iterations\n", qPrintable(screenshot),
                    window.shownIteration());
    }
    return 0;
}

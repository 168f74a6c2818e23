#pragma once

// Drives the real main window in the window suites: drops as a file manager sends them, and a
// window made ready to run. Header-only: the support library does not link the ui.
#include <QApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "support/TestPaths.h"
#include "ui/panels/ParameterPanel.h"
#include "ui/widgets/ImageSlot.h"
#include "ui/widgets/PreviewView.h"
#include "ui/widgets/RecentFilesMenu.h"
#include "ui/widgets/StyleListView.h"
#include "ui/windows/MainWindow.h"

namespace impasto::test {

// Settings, downloaded models and autosaves go to folders of `home`, never the user's, and no
// model folder is added from the environment: a fresh home has no model installed.
inline void useFreshHome(const QTemporaryDir& home) {
    qputenv("XDG_CONFIG_HOME", (home.path() + "/config").toUtf8());
    qputenv("XDG_DATA_HOME", (home.path() + "/data").toUtf8());
    qputenv("XDG_STATE_HOME", (home.path() + "/state").toUtf8());
    qunsetenv("IMPASTO_MODEL_PATH");
}

// Drops `files` on `target` (a widget of `window`) as a file manager would: enter, then drop.
inline bool dropFiles(ui::MainWindow& window, QWidget* target, const QStringList& files) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& file : files) {
        urls.append(QUrl::fromLocalFile(file));
    }
    mime.setUrls(urls);
    const QPoint position = target->mapTo(&window, target->rect().center());
    QDragEnterEvent enter(position, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    if (!enter.isAccepted()) {
        return false;
    }
    QDropEvent drop(QPointF(position), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    return drop.isAccepted();
}

// Loads `file` as a preset as the Recent Presets menu does, and waits until the window has read
// it (off its thread) and shown it or its error.
inline bool loadPresetAndWait(ui::MainWindow& window, const QString& file, int timeoutMs) {
    QSignalSpy read(&window, &ui::MainWindow::presetRead);
    Q_EMIT window.recentPresetsMenu()->fileChosen(file);
    return read.wait(timeoutMs);
}

inline bool dropFile(ui::MainWindow& window, QWidget* target, const QString& file) {
    return dropFiles(window, target, {file});
}

// A shown 1280 x 800 window with SqueezeNet loaded, output `size` px, `iterations`, and
// tubingen and starry_night dropped; nullptr if any of it did not happen within `timeoutMs`.
inline std::unique_ptr<ui::MainWindow> readyWindow(int size, int iterations, int timeoutMs) {
    auto window = std::make_unique<ui::MainWindow>();
    window->resize(1280, 800);
    window->show();
    window->loadModel(sharedWeights("squeezenet1_1-features.safetensors"));
    if (!QTest::qWaitFor([&] { return window->isModelReady(); }, timeoutMs)) {
        return nullptr;
    }
    window->parameterPanel()->outputSizeBox()->setValue(size);
    window->parameterPanel()->iterationsBox()->setValue(iterations);
    if (!dropFile(*window, window->preview(), sharedImage("tubingen.jpg")) ||
        !dropFile(*window, window->styleList(), sharedImage("starry_night.jpg")) ||
        !QTest::qWaitFor(
            [&] { return window->contentSlot()->hasImage() && window->styleList()->count() == 1; },
            timeoutMs)) {
        return nullptr;
    }
    return window;
}

}  // namespace impasto::test

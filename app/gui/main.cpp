#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QUrl>

#include <cstdio>
#include <cstdlib>

#include "ui/session/SessionController.h"
#include "ui/windows/MainWindow.h"

namespace {

// The desktop app. Images named on the command line open as if dropped on the window: the
// first is the photo, the rest are paintings.
int runApp(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("impasto");
    QApplication::setApplicationDisplayName("Impasto");
    QApplication::setOrganizationName("Impasto");
    QApplication::setApplicationVersion(IMPASTO_VERSION);
    // Desktops match the window to the installed menu entry and its icon through this name.
    QGuiApplication::setDesktopFileName("org.impasto.Impasto");
    QApplication::setWindowIcon(QIcon::fromTheme("org.impasto.Impasto"));

    QCommandLineParser parser;
    parser.setApplicationDescription("Repaints a photo in the manner of a painting.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption model("model", "A registry model or a weight file to use.", "model");
    parser.addOption(model);
    parser.addPositionalArgument("photo", "The photo to repaint.", "[photo]");
    parser.addPositionalArgument("paintings", "Paintings whose style to use.", "[paintings...]");
    parser.process(app);

    const QString modelArgument = parser.value(model);
    impasto::ui::MainWindow window(QFileInfo::exists(modelArgument)
                                       ? QFileInfo(modelArgument).absoluteFilePath()
                                       : modelArgument);
    QList<QUrl> images;
    for (const QString& file : parser.positionalArguments()) {
        images.append(QUrl::fromLocalFile(QFileInfo(file).absoluteFilePath()));
    }
    window.openUrls(images, impasto::ui::MainWindow::DropTarget::Automatic);
    window.show();
    return QApplication::exec();
}

}  // namespace

int main(int argc, char* argv[]) {
    const int status = runApp(argc, argv);
    // Closing never waits long for the worker (SessionController::kStopGrace); one still busy
    // must not meet the libraries' static destructors.
    if (impasto::ui::SessionController::anyWorkerAbandoned()) {
        std::fflush(nullptr);
        std::_Exit(status);
    }
    return status;
}

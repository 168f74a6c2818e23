#include <QApplication>
#include <QMainWindow>

// Placeholder entry point until the main window lands (issue 3).
int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("impasto");
    QApplication::setOrganizationName("Impasto");
    QApplication::setApplicationVersion(IMPASTO_VERSION);
    QMainWindow window;
    window.show();
    return QApplication::exec();
}

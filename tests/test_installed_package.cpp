// Builds the Debian package with `cpack -G DEB`, unpacks it into a throwaway root and runs the
// programs from there: what a user gets from the .deb, found through the install prefix alone.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "core/image/ImageLoader.h"
#include "support/TestPaths.h"

namespace {

constexpr int kTimeoutMs = 120000;

struct ProcessResult {
    bool finished = false;
    int exitCode = -1;
    QString out;
    QString err;

    bool succeeded() const { return finished && exitCode == 0; }
    QByteArray describe() const {
        return QStringLiteral("finished %1, exit code %2\nstdout:\n%3\nstderr:\n%4")
            .arg(finished)
            .arg(exitCode)
            .arg(out, err)
            .toUtf8();
    }
};

ProcessResult run(const QString& program, const QStringList& arguments,
                  const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
                  const QString& workingDirectory = {}) {
    QProcess process;
    process.setProcessEnvironment(environment);
    if (!workingDirectory.isEmpty()) {
        process.setWorkingDirectory(workingDirectory);
    }
    process.start(program, arguments);
    ProcessResult result;
    result.finished = process.waitForFinished(kTimeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished();
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

// Long options named in `impasto-cli --help` (Qt's own --help-all included).
QSet<QString> longOptionsIn(const QString& help) {
    QSet<QString> options;
    static const QRegularExpression option(QStringLiteral(R"((?<![\w-])--[a-z][a-z0-9_-]*)"));
    for (auto match = option.globalMatch(help); match.hasNext();) {
        options.insert(match.next().captured());
    }
    return options;
}

}  // namespace

class TestInstalledPackage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir workDir_;
    QString package_;
    QString root_;
    QProcessEnvironment userEnvironment_;

    QString installed(const QString& path) const { return root_ + "/usr/" + path; }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(workDir_.isValid());
        const QString output = workDir_.filePath("package");
        const ProcessResult cpack =
            run(IMPASTO_CPACK_COMMAND,
                {"-G", "DEB", "-B", output, "--config",
                 impasto::test::binaryDir() + "/CPackConfig.cmake"},
                QProcessEnvironment::systemEnvironment(), impasto::test::binaryDir());
        QVERIFY2(cpack.succeeded(), cpack.describe());
        const QStringList debs = QDir(output).entryList({"impasto_*.deb"}, QDir::Files);
        QCOMPARE(debs.size(), 1);
        package_ = QDir(output).filePath(debs.first());

        root_ = workDir_.filePath("root");
        const ProcessResult unpack = run("dpkg-deb", {"-x", package_, root_});
        QVERIFY2(unpack.succeeded(), unpack.describe());

        // The installed programs run as a fresh user would: their own home, no model path.
        userEnvironment_ = QProcessEnvironment::systemEnvironment();
        const QString home = workDir_.filePath("home");
        QVERIFY(QDir().mkpath(home));
        userEnvironment_.insert("HOME", home);
        userEnvironment_.remove("XDG_DATA_HOME");
        userEnvironment_.remove("XDG_CONFIG_HOME");
        userEnvironment_.remove("IMPASTO_MODEL_PATH");
        userEnvironment_.insert("QT_QPA_PLATFORM", "offscreen");
    }

    void packageIsNamedAndDescribed() {
        const ProcessResult fields = run("dpkg-deb", {"-f", package_, "Package", "Version",
                                                      "Section", "Architecture", "Description"});
        QVERIFY2(fields.succeeded(), fields.describe());
        QVERIFY(fields.out.contains("Package: impasto\n"));
        QVERIFY(fields.out.contains("Version: " IMPASTO_VERSION));
        QVERIFY(fields.out.contains("Section: graphics"));
        QVERIFY(fields.out.contains("Architecture: amd64") ||
                fields.out.contains("Architecture: arm64"));
    }

    // dpkg-shlibdeps found the libraries the binaries link; the platform plugins are added.
    void dependenciesAreComputedFromTheBinaries() {
        const ProcessResult depends = run("dpkg-deb", {"-f", package_, "Depends"});
        QVERIFY2(depends.succeeded(), depends.describe());
        for (const char* library : {"libtorch", "libopencv-imgcodecs", "libqt6widgets6",
                                    "libqt6network6", "libc6", "qt6-qpa-plugins"}) {
            QVERIFY2(depends.out.contains(library), qPrintable(library + (": " + depends.out)));
        }
        QVERIFY(depends.out.contains("(>="));  // versions from the shlibs files
    }

    void installsProgramsAndDesktopIntegration() {
        for (const QString path :
             {"bin/impasto", "bin/impasto-cli", "share/impasto/models/registry.json",
              "share/applications/org.impasto.Impasto.desktop",
              "share/metainfo/org.impasto.Impasto.metainfo.xml",
              "share/icons/hicolor/scalable/apps/org.impasto.Impasto.svg",
              "share/icons/hicolor/16x16/apps/org.impasto.Impasto.png",
              "share/icons/hicolor/48x48/apps/org.impasto.Impasto.png",
              "share/icons/hicolor/256x256/apps/org.impasto.Impasto.png",
              "share/man/man1/impasto.1.gz", "share/man/man1/impasto-cli.1.gz",
              "share/doc/impasto/copyright"}) {
            QVERIFY2(QFileInfo(installed(path)).isFile(), qPrintable(path));
        }
        QVERIFY(QFileInfo(installed("bin/impasto")).isExecutable());
        const auto icon = impasto::loadImage(
            installed("share/icons/hicolor/48x48/apps/org.impasto.Impasto.png").toStdString());
        QCOMPARE(icon.image.width(), 48);
        QCOMPARE(icon.image.height(), 48);
    }

    void desktopEntryAndMetainfoValidate() {
        const ProcessResult desktop = run(
            "desktop-file-validate", {installed("share/applications/org.impasto.Impasto.desktop")});
        QVERIFY2(desktop.succeeded() && desktop.out.trimmed().isEmpty(), desktop.describe());
        QFile entry(installed("share/applications/org.impasto.Impasto.desktop"));
        QVERIFY(entry.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(entry.readAll());
        QVERIFY(text.contains("Exec=impasto %F"));
        QVERIFY(text.contains("image/jpeg;") && text.contains("image/png;"));

        const ProcessResult metainfo = run(
            "appstreamcli",
            {"validate", "--no-net", installed("share/metainfo/org.impasto.Impasto.metainfo.xml")});
        QVERIFY2(metainfo.succeeded(), metainfo.describe());
    }

    void installedCliReportsItsVersion() {
        const ProcessResult version =
            run(installed("bin/impasto-cli"), {"--version"}, userEnvironment_);
        QVERIFY2(version.succeeded(), version.describe());
        QVERIFY(version.out.contains(IMPASTO_VERSION));
    }

    // The registry comes from the install prefix, never from the source tree.
    void installedCliFindsTheInstalledRegistry() {
        const ProcessResult list =
            run(installed("bin/impasto-cli"), {"--list-models"}, userEnvironment_);
        QVERIFY2(list.succeeded(), list.describe());
        QVERIFY(list.out.contains("squeezenet1_1"));
        const QString installedModels = QDir::cleanPath(installed("share/impasto/models"));
        QVERIFY2(list.out.contains(installedModels), qPrintable(list.out));
        QVERIFY2(!list.out.contains(impasto::test::sourceDir()), qPrintable(list.out));
    }

    void installedCliStylizes() {
        const QString output = workDir_.filePath("stylized.png");
        const ProcessResult stylize =
            run(installed("bin/impasto-cli"),
                {"--model", impasto::test::sharedWeights("squeezenet1_1-features.safetensors"),
                 "--content", impasto::test::sharedImage("tubingen.jpg"), "--style",
                 impasto::test::sharedImage("starry_night.jpg"), "--size", "48", "--iterations",
                 "5", "--output", output},
                userEnvironment_);
        QVERIFY2(stylize.succeeded(), stylize.describe());
        const auto result = impasto::loadImage(output.toStdString());
        QCOMPARE(std::max(result.image.width(), result.image.height()), 48);
    }

    void installedAppRunsOffscreen() {
        QProcess app;
        app.setProcessEnvironment(userEnvironment_);
        app.start(installed("bin/impasto"), {});
        QVERIFY2(app.waitForStarted(), qPrintable(app.errorString()));
        QVERIFY2(!app.waitForFinished(3000),
                 qPrintable("the app ended within 3 s: " + app.readAllStandardError()));
        app.terminate();
        QVERIFY(app.waitForFinished(10000));
        const QString errors = QString::fromUtf8(app.readAllStandardError());
        QVERIFY2(!errors.contains("Could not load the Qt platform plugin"), qPrintable(errors));
    }

    void manPageDocumentsEveryCliOption() {
        const ProcessResult help = run(installed("bin/impasto-cli"), {"--help"}, userEnvironment_);
        QVERIFY2(help.succeeded(), help.describe());
        const ProcessResult page =
            run("gzip", {"-dc", installed("share/man/man1/impasto-cli.1.gz")});
        QVERIFY2(page.succeeded(), page.describe());
        QString manText = page.out;
        manText.replace("\\-", "-");
        const QSet<QString> options = longOptionsIn(help.out);
        QVERIFY(options.size() > 20);
        for (const QString& option : options) {
            QVERIFY2(manText.contains(option), qPrintable(option + " is not in impasto-cli.1"));
        }
        QVERIFY(manText.contains(IMPASTO_VERSION));
    }
};

QTEST_GUILESS_MAIN(TestInstalledPackage)
#include "test_installed_package.moc"

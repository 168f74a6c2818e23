// End-to-end tests of the impasto-cli binary: each test runs the real program with QProcess on
// the shared images and weights, at tiny sizes and few iterations, and checks what it wrote.
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image/ImageLoader.h"
#include "core/image/ImageMat.h"
#include "core/image/PngTextReader.h"
#include "core/image/Resize.h"
#include "support/TestPaths.h"

namespace {

constexpr int kTimeoutMs = 60000;
constexpr const char* kErrorPrefix = "impasto-cli: error:";
// SqueezeNet 1.1's recommended layers (core/model/NetworkDescription.cpp).
const QStringList kSqueezeNetContentLayers = {"fire6"};
const QStringList kSqueezeNetStyleLayers = {"relu1", "fire2", "fire3", "fire5", "fire7"};

QString cliPath() {
    return impasto::test::binaryDir() + "/app/impasto-cli";
}
QString image(const QString& fileName) {
    return impasto::test::sharedImage(fileName);
}
QString squeezeNet() {
    return impasto::test::sharedWeights("squeezenet1_1-features.safetensors");
}
QString partialVgg19() {
    return impasto::test::sharedWeights("vgg19-conv1_1-conv3_4.safetensors");
}

struct CliResult {
    bool finished = false;  // false: killed after the timeout
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    int exitCode = -1;
    QString out;
    QString err;

    bool succeeded() const {
        return finished && exitStatus == QProcess::NormalExit && exitCode == 0;
    }
    QStringList errLines() const { return err.split('\n', Qt::SkipEmptyParts); }
    // For failure messages: how the run ended and what it said.
    QByteArray describe() const {
        return QStringLiteral("finished %1, %2, exit code %3, stderr:\n%4")
            .arg(finished)
            .arg(exitStatus == QProcess::NormalExit ? "normal exit" : "crashed")
            .arg(exitCode)
            .arg(err)
            .toUtf8();
    }
};

// `arguments` with the value of `option` replaced, or the option appended when absent.
QStringList withOption(QStringList arguments, const QString& option, const QString& value) {
    const qsizetype at = arguments.indexOf(option);
    if (at >= 0 && at + 1 < arguments.size()) {
        arguments[at + 1] = value;
    } else {
        arguments << option << value;
    }
    return arguments;
}

// `arguments` without `option` and its value.
QStringList withoutOption(QStringList arguments, const QString& option) {
    const qsizetype at = arguments.indexOf(option);
    if (at >= 0) {
        arguments.remove(at, std::min<qsizetype>(2, arguments.size() - at));
    }
    return arguments;
}

std::map<std::string, std::string> pngText(const QString& file) {
    return impasto::readPngText(file.toStdString());
}

// The "impasto:settings" JSON stored in a PNG; empty when missing or not a JSON object.
QJsonObject pngSettings(const QString& file) {
    const auto text = pngText(file);
    const auto entry = text.find("impasto:settings");
    if (entry == text.end()) {
        return {};
    }
    QJsonParseError error;
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray::fromStdString(entry->second), &error);
    return error.error == QJsonParseError::NoError ? document.object() : QJsonObject();
}

// The layer names of a settings "contentLayers" / "styleLayers" array.
QStringList layerNames(const QJsonValue& layers) {
    QStringList names;
    for (const QJsonValue& layer : layers.toArray()) {
        names << layer.toObject().value("layer").toString();
    }
    return names;
}

impasto::Image loadPng(const QString& file) {
    return impasto::loadImage(file.toStdString()).image;
}

// tubingen.jpg scaled plainly to the given size, with no stylization at all.
impasto::Image resizedContent(int width, int height) {
    return impasto::resizeTo(impasto::loadImage(image("tubingen.jpg").toStdString()).image, width,
                             height);
}

// Mean absolute difference per sample, in [0, 1]; both images must have the same size.
double meanDifference(const cv::Mat& a, const cv::Mat& b) {
    return cv::norm(a, b, cv::NORM_L1) / double(a.total() * a.channels());
}

QByteArray fileBytes(const QString& file) {
    QFile in(file);
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

bool writeFile(const QString& file, const QByteArray& bytes) {
    QFile out(file);
    return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size();
}

// Every file and folder under `folder`, relative to it.
QStringList listing(const QString& folder) {
    QStringList entries;
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        entries << QDir(folder).relativeFilePath(it.next());
    }
    entries.sort();
    return entries;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

private:
    // A fresh folder per test: outputs, the working directory, and the model folders the
    // environment points at (empty, so no installed model is ever found).
    std::unique_ptr<QTemporaryDir> dir_;

    QString path(const QString& name) const { return dir_->filePath(name); }

    void start(QProcess& process, const QStringList& arguments) const {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("IMPASTO_MODEL_PATH", path("models"));
        environment.insert("XDG_DATA_HOME", path("data"));
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(dir_->path());
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(cliPath(), arguments);
    }

    // Waits for a started process (killing it after the timeout) and collects its output.
    static CliResult finish(QProcess& process, const QByteArray& stderrSoFar = {}) {
        CliResult result;
        result.finished = process.waitForFinished(kTimeoutMs);
        if (!result.finished) {
            process.kill();
            process.waitForFinished();
        }
        result.exitStatus = process.exitStatus();
        result.exitCode = process.exitCode();
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(stderrSoFar + process.readAllStandardError());
        return result;
    }

    CliResult run(const QStringList& arguments) const {
        QProcess process;
        start(process, arguments);
        return finish(process);
    }

    // The usual small, fast run: tubingen in the manner of The Starry Night, 64 px, SqueezeNet.
    QStringList stylizeArguments(const QString& output, int iterations = 5) const {
        return {"--content",    image("tubingen.jpg"),
                "--style",      image("starry_night.jpg"),
                "--size",       "64",
                "--iterations", QString::number(iterations),
                "--model",      squeezeNet(),
                "--device",     "cpu",
                "--output",     output};
    }

    // Runs a stylization that must succeed and write `output` at `width` x `height`; returns
    // its settings. Callers check QTest::currentTestFailed() afterwards.
    QJsonObject expectSuccess(const QStringList& arguments, const QString& output, int width,
                              int height) const {
        const CliResult result = run(arguments);
        [&] {
            QVERIFY2(result.succeeded(), result.describe());
            QVERIFY2(QFileInfo(output).isFile(), qPrintable(output + " was not written"));
            const impasto::Image written = loadPng(output);
            QCOMPARE(written.width(), width);
            QCOMPARE(written.height(), height);
        }();
        return QTest::currentTestFailed() ? QJsonObject() : pngSettings(output);
    }

    // The stylized output differs clearly from the plainly resized photo.
    static void expectChangedFromContent(const QString& output) {
        const impasto::Image written = loadPng(output);
        const impasto::Image content = resizedContent(written.width(), written.height());
        const double difference = meanDifference(rgbView(written), rgbView(content));
        QVERIFY2(difference > 0.01,
                 qPrintable(
                     QString("output is the resized photo (mean difference %1)").arg(difference)));
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath() + " is not built"));
        for (const QString& file : {image("tubingen.jpg"), image("starry_night.jpg"),
                                    image("the_scream.jpg"), squeezeNet(), partialVgg19(),
                                    impasto::test::sharedWeights("lenet-mnist.caffemodel")}) {
            QVERIFY2(QFileInfo(file).isFile(), qPrintable(file + " is missing"));
        }
    }

    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
        QVERIFY(QDir(dir_->path()).mkdir("models"));
    }

    void cleanup() { dir_.reset(); }

    void helpListsEveryOption() {
        const CliResult result = run({"--help"});
        QVERIFY2(result.succeeded(), result.describe());
        const QStringList options = {
            "content",        "style",           "style-blend",    "output",       "size",
            "iterations",     "model",           "content-weight", "style-weight", "tv-weight",
            "content-layers", "style-layers",    "optimizer",      "init",         "pooling",
            "style-scale",    "preserve-colors", "seed",           "device",       "save-every",
            "report",         "download-model",  "preset"};
        for (const QString& option : options) {
            // "--style" must appear by itself, not only as the start of "--style-blend".
            const QRegularExpression listed("--" + QRegularExpression::escape(option) +
                                            "(?![\\w-])");
            QVERIFY2(result.out.contains(listed), qPrintable("--help lacks --" + option));
        }
    }

    void versionPrintsAVersion() {
        const CliResult result = run({"--version"});
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.out.trimmed().contains(
                     QRegularExpression("^impasto-cli \\d+\\.\\d+(\\.\\d+)*$")),
                 qPrintable(result.out));
    }

    void stylizeWritesPngWithSettings() {
        const QString output = path("out.png");
        // tubingen.jpg is 1024 x 768: 4:3.
        const QJsonObject settings = expectSuccess(stylizeArguments(output), output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QVERIFY2(!settings.isEmpty(), "no JSON in the impasto:settings text chunk");
        QCOMPARE(settings.value("outputSize").toInt(), 64);
        QCOMPARE(layerNames(settings.value("contentLayers")), kSqueezeNetContentLayers);
        QCOMPARE(layerNames(settings.value("styleLayers")), kSqueezeNetStyleLayers);
        const auto text = pngText(output);
        QCOMPARE(QString::fromStdString(text.at("impasto:iterations")), QString("5"));
        QCOMPARE(QString::fromStdString(text.at("impasto:model")),
                 QString("squeezenet1_1-features.safetensors"));
        expectChangedFromContent(output);
    }

    void reportHasEveryIteration() {
        const QString output = path("out.png");
        const QString report = path("report.json");
        constexpr int iterations = 5;
        expectSuccess(stylizeArguments(output, iterations) << "--report" << report, output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(fileBytes(report), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonArray entries = document.object().value("iterations").toArray();
        QCOMPARE(entries.size(), iterations);
        double previousSeconds = 0.0;
        for (qsizetype i = 0; i < entries.size(); ++i) {
            const QJsonObject entry = entries[i].toObject();
            for (const char* key : {"iteration", "content", "style", "tv", "total", "seconds"}) {
                QVERIFY2(entry.value(key).isDouble(),
                         qPrintable(QString("entry %1 lacks \"%2\"").arg(i).arg(key)));
            }
            QCOMPARE(entry.value("iteration").toInt(), int(i + 1));
            const double seconds = entry.value("seconds").toDouble();
            QVERIFY2(seconds > previousSeconds, qPrintable(QString("seconds not increasing at "
                                                                   "entry %1")
                                                               .arg(i)));
            previousSeconds = seconds;
            const double total = entry.value("total").toDouble();
            const double sum = entry.value("content").toDouble() + entry.value("style").toDouble() +
                               entry.value("tv").toDouble();
            QVERIFY2(total > 0.0, "total loss is not positive");
            QVERIFY2(std::abs(total - sum) <= 1e-6 * std::max(1.0, std::abs(total)),
                     qPrintable(QString("total %1 != content+style+tv %2").arg(total).arg(sum)));
        }
    }

    void saveEveryWritesIntermediates() {
        const QString output = path("out.png");
        expectSuccess(stylizeArguments(output, 5) << "--save-every"
                                                  << "2",
                      output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        for (const int iteration : {2, 4}) {
            const QString file = path(QString("out_%1.png").arg(iteration));
            QVERIFY2(QFileInfo(file).isFile(), qPrintable(file + " was not written"));
            QCOMPARE(QString::fromStdString(pngText(file).at("impasto:iterations")),
                     QString::number(iteration));
            QCOMPARE(loadPng(file).width(), 64);
        }
        for (const int iteration : {1, 3, 5}) {
            QVERIFY(!QFileInfo::exists(path(QString("out_%1.png").arg(iteration))));
        }
    }

    void bitDepth16WritesSixteenBitPng() {
        const QString output = path("deep.png");
        expectSuccess(stylizeArguments(output, 3) << "--bit-depth"
                                                  << "16",
                      output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        const cv::Mat written = cv::imread(output.toStdString(), cv::IMREAD_UNCHANGED);
        QCOMPARE(written.depth(), CV_16U);
        QCOMPARE(written.channels(), 3);
        QCOMPARE(written.cols, 64);
        QCOMPARE(written.rows, 48);
        // Real 16-bit precision, not 8-bit samples stretched (which are all multiples of 257).
        int finerSamples = 0;
        for (auto pixel = written.begin<cv::Vec3w>(); pixel != written.end<cv::Vec3w>(); ++pixel) {
            for (int channel = 0; channel < 3; ++channel) {
                finerSamples += (*pixel)[channel] % 257 != 0;
            }
        }
        QVERIFY2(finerSamples > 0, "every sample is an 8-bit value scaled to 16 bits");
    }

    void styleBlendOfTwoStyles() {
        const QString output = path("blend.png");
        const QStringList arguments = stylizeArguments(output)
                                      << "--style" << image("the_scream.jpg") << "--style-blend"
                                      << "1,3";
        const QJsonObject settings = expectSuccess(arguments, output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        const QJsonArray blend = settings.value("styleBlend").toArray();
        QCOMPARE(blend.size(), 2);
        QCOMPARE(blend[0].toDouble(), 1.0);
        QCOMPARE(blend[1].toDouble(), 3.0);
        expectChangedFromContent(output);
    }

    void preserveColorsKeepsPhotoColours() {
        const QString output = path("colours.png");
        const QJsonObject settings =
            expectSuccess(stylizeArguments(output) << "--preserve-colors", output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(settings.value("preserveColors").toBool(), true);
        // Luminance-only transfer: the brightness changed, the chroma is the photo's.
        cv::Mat written;
        cv::Mat content;
        cv::cvtColor(rgbView(loadPng(output)), written, cv::COLOR_RGB2YCrCb);
        cv::cvtColor(rgbView(resizedContent(64, 48)), content, cv::COLOR_RGB2YCrCb);
        cv::Mat writtenPlanes[3];
        cv::Mat contentPlanes[3];
        cv::split(written, writtenPlanes);
        cv::split(content, contentPlanes);
        const double lumaChange = meanDifference(writtenPlanes[0], contentPlanes[0]);
        const double chromaChange = (meanDifference(writtenPlanes[1], contentPlanes[1]) +
                                     meanDifference(writtenPlanes[2], contentPlanes[2])) /
                                    2;
        QVERIFY2(lumaChange > 0.01, qPrintable(QString("luma changed by %1").arg(lumaChange)));
        QVERIFY2(chromaChange < 0.01,
                 qPrintable(QString("chroma changed by %1").arg(chromaChange)));
    }

    void noiseInitIsReproducibleWithSeed() {
        auto noiseRun = [&](const QString& name, const QString& seed) {
            const QString output = path(name);
            const QStringList arguments = stylizeArguments(output, 3) << "--init"
                                                                      << "noise"
                                                                      << "--seed" << seed;
            return expectSuccess(arguments, output, 64, 48);
        };
        const QJsonObject settings = noiseRun("a.png", "7");
        noiseRun("b.png", "7");
        noiseRun("c.png", "8");
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(settings.value("init").toString(), QString("noise"));
        QCOMPARE(settings.value("seed").toInt(), 7);
        QVERIFY2(fileBytes(path("a.png")) == fileBytes(path("b.png")),
                 "the same seed gave different images");
        QVERIFY2(fileBytes(path("a.png")) != fileBytes(path("c.png")),
                 "another seed gave the same image");
        expectChangedFromContent(path("a.png"));
    }

    void adamOptimizer() {
        const QString output = path("adam.png");
        const QJsonObject settings = expectSuccess(stylizeArguments(output) << "--optimizer"
                                                                            << "adam",
                                                   output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(settings.value("optimizer").toString(), QString("adam"));
        expectChangedFromContent(output);
    }

    void averagePooling() {
        const QString output = path("avg.png");
        const QJsonObject settings = expectSuccess(stylizeArguments(output) << "--pooling"
                                                                            << "avg",
                                                   output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(settings.value("pooling").toString(), QString("avg"));
        expectChangedFromContent(output);
    }

    void textureSynthesisTakesStyleAspect() {
        // No --content: the output takes the style's shape (the_scream.jpg is 1200 x 1528).
        const QString output = path("texture.png");
        const CliResult result = run(withoutOption(
            withOption(stylizeArguments(output, 3), "--style", image("the_scream.jpg")),
            "--content"));
        QVERIFY2(result.succeeded(), result.describe());
        const impasto::Image written = loadPng(output);
        QCOMPARE(written.height(), 64);
        QVERIFY2(std::abs(written.width() - 50) <= 1, qPrintable(QString::number(written.width())));
        QCOMPARE(pngSettings(output).value("init").toString(), QString("noise"));
    }

    void featureInversionWithoutStyle() {
        const QString output = path("inverted.png");
        const QJsonObject settings =
            expectSuccess(withoutOption(stylizeArguments(output, 3), "--style"), output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(layerNames(settings.value("contentLayers")), kSqueezeNetContentLayers);
    }

    void partialVgg19WithDefaultLayers() {
        // The file ends at pool3, so the defaults are the VGG layers it has.
        const QString output = path("vgg.png");
        const QJsonObject settings = expectSuccess(
            withOption(stylizeArguments(output, 3), "--model", partialVgg19()), output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        const QStringList layers =
            layerNames(settings.value("contentLayers")) + layerNames(settings.value("styleLayers"));
        QVERIFY(!layerNames(settings.value("contentLayers")).isEmpty());
        QVERIFY(!layerNames(settings.value("styleLayers")).isEmpty());
        for (const QString& layer : layers) {
            QVERIFY2(layer.contains(QRegularExpression("^(relu|conv)[123]_\\d$")),
                     qPrintable(layer + " is not in the partial VGG-19 file"));
        }
        QCOMPARE(QString::fromStdString(pngText(output).at("impasto:model")),
                 QFileInfo(partialVgg19()).fileName());
    }

    void presetSettingsWithFlagsOverriding() {
        const QString preset = path("preset.json");
        QVERIFY(writeFile(preset, R"({"outputSize": 80, "pooling": "avg", "seed": 7,
                                     "styleLayers": [{"layer": "fire2", "weight": 2}]})"));
        const QString fromPreset = path("preset.png");
        const QJsonObject settings = expectSuccess(
            withoutOption(stylizeArguments(fromPreset), "--size") << "--preset" << preset,
            fromPreset, 80, 60);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(settings.value("pooling").toString(), QString("avg"));
        QCOMPARE(settings.value("seed").toInt(), 7);
        QCOMPARE(layerNames(settings.value("styleLayers")), QStringList{"fire2"});

        const QString overridden = path("overridden.png");
        const QJsonObject flags =
            expectSuccess(stylizeArguments(overridden) << "--preset" << preset << "--pooling"
                                                       << "max",
                          overridden, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(flags.value("pooling").toString(), QString("max"));
        QCOMPARE(flags.value("seed").toInt(), 7);
    }

    void badInputFailsCleanly_data() {
        // Arguments may name {dir} (the test's folder, holding the files badInputFailsCleanly
        // writes); --output is added unless the row gives one.
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("keyword");

        const QStringList good = withoutOption(stylizeArguments({}, 3), "--output");
        auto row = [](const char* name, const QStringList& arguments, const QString& keyword) {
            QTest::newRow(name) << arguments << keyword;
        };
        row("missing content", withOption(good, "--content", "{dir}/nope.jpg"), "nope.jpg");
        row("text named .jpg", withOption(good, "--content", "{dir}/text.jpg"), "text");
        row("empty file", withOption(good, "--content", "{dir}/empty.jpg"), "empty");
        row("truncated JPEG", withOption(good, "--content", "{dir}/truncated.jpg"), "truncated");
        row("random bytes as model", withOption(good, "--model", "{dir}/random.safetensors"),
            "random.safetensors");
        row("LeNet as model",
            withOption(good, "--model", impasto::test::sharedWeights("lenet-mnist.caffemodel")),
            "none of the networks");
        row("layer beyond partial VGG-19",
            withOption(withOption(good, "--model", partialVgg19()), "--style-layers", "relu4_1"),
            "relu4_1");
        row("size not a number", withOption(good, "--size", "abc"), "--size");
        row("size zero", withOption(good, "--size", "0"), "--size");
        row("unknown optimizer", withOption(good, "--optimizer", "foo"), "optimizer");
        row("unknown pooling", withOption(good, "--pooling", "foo"), "pooling");
        row("unknown device", withOption(good, "--device", "foo"), "device");
        row("style blend count", withOption(good, "--style-blend", "1,2"), "style-blend");
        row("unknown option", QStringList(good) << "--frobnicate", "frobnicate");
        row("no installed model", withOption(good, "--model", "auto"), "--download-model");
        row("registry model not installed", withOption(good, "--model", "vgg19"), "not installed");
        row("preset missing",
            QStringList(good) << "--preset"
                              << "{dir}/nope.json",
            "nope.json");
        row("preset with unknown key",
            QStringList(good) << "--preset"
                              << "{dir}/typo.json",
            "styleWieght");
        row("preset not JSON",
            QStringList(good) << "--preset"
                              << "{dir}/text.jpg",
            "JSON");
        row("preset starting from an image",
            QStringList(good) << "--preset"
                              << "{dir}/image-init.json",
            "--init");
        row("output folder missing",
            QStringList(good) << "--output"
                              << "{dir}/nowhere/out.png",
            "nowhere");
        row("report folder missing",
            QStringList(good) << "--report"
                              << "{dir}/nowhere/report.json",
            "nowhere");
    }

    void badInputFailsCleanly() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, keyword);

        const QByteArray tubingen = fileBytes(image("tubingen.jpg"));
        QVERIFY(!tubingen.isEmpty());
        QByteArray noise(64 * 1024, '\0');
        QRandomGenerator(1234).fillRange(reinterpret_cast<quint32*>(noise.data()),
                                         noise.size() / sizeof(quint32));
        QVERIFY(writeFile(path("text.jpg"), "This is not a picture, only a few words.\n"));
        QVERIFY(writeFile(path("empty.jpg"), {}));
        QVERIFY(writeFile(path("truncated.jpg"), tubingen.left(tubingen.size() / 2)));
        QVERIFY(writeFile(path("random.safetensors"), noise));
        QVERIFY(writeFile(path("typo.json"), R"({"styleWieght": 5})"));
        QVERIFY(writeFile(path("image-init.json"), R"({"init": "image"})"));

        for (QString& argument : arguments) {
            argument.replace("{dir}", dir_->path());
        }
        if (!arguments.contains("--output")) {
            arguments << "--output" << path("out.png");
        }
        const QStringList before = listing(dir_->path());
        const CliResult result = run(arguments);

        QVERIFY2(result.finished, result.describe());
        QVERIFY2(result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 1, result.describe());
        QVERIFY2(result.errLines().size() == 1, result.describe());
        QVERIFY2(result.err.startsWith(kErrorPrefix), result.describe());
        QVERIFY2(result.err.contains(keyword, Qt::CaseInsensitive),
                 qPrintable("the message does not mention \"" + keyword + "\": " + result.err));
        QCOMPARE(listing(dir_->path()), before);  // no output, no temporary file, no folder
    }

    void sigintWritesResultAndExits130() {
        const QString output = path("stopped.png");
        constexpr int iterations = 2000;
        QProcess process;
        start(process, stylizeArguments(output, iterations) << "--print-every"
                                                            << "1");
        QVERIFY2(process.waitForStarted(kTimeoutMs), qPrintable(process.errorString()));

        // The handler is installed before the first iteration; wait until one is reported.
        process.setReadChannel(QProcess::StandardError);
        QByteArray stderrSoFar;
        QElapsedTimer timer;
        timer.start();
        while (!stderrSoFar.contains("Iteration") && timer.elapsed() < 30000 &&
               process.state() == QProcess::Running) {
            process.waitForReadyRead(100);
            stderrSoFar += process.readAllStandardError();
        }
        QVERIFY2(stderrSoFar.contains("Iteration"), stderrSoFar.constData());
        QVERIFY(process.state() == QProcess::Running);
        QCOMPARE(::kill(pid_t(process.processId()), SIGINT), 0);

        const CliResult result = finish(process, stderrSoFar);
        QVERIFY2(result.finished && result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 130, result.describe());
        QVERIFY2(result.err.contains("Interrupted"), result.describe());
        QVERIFY2(QFileInfo(output).isFile(), "no result was written after Ctrl+C");
        const int done = std::stoi(pngText(output).at("impasto:iterations"));
        QVERIFY2(done >= 1 && done < iterations, qPrintable(QString::number(done)));
        QCOMPARE(loadPng(output).width(), 64);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

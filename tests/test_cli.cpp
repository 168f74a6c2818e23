// End-to-end tests of the impasto-cli binary: each test runs the real program with QProcess on
// the shared images and weights, at tiny sizes and few iterations, and checks what it wrote.
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
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
#include <QTimer>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageLoader.h"
#include "core/image/ImageMat.h"
#include "core/image/MaskFile.h"
#include "core/image/PngTextReader.h"
#include "core/image/RecipeFile.h"
#include "core/image/Resize.h"
#include "support/LocalHttpServer.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"

namespace {

// Samples of a 3-channel 16-bit image that an 8-bit value stretched to 16 bits (a multiple of
// 257) cannot give: more than none means real 16-bit precision.
int samplesFinerThan8Bits(const cv::Mat& image) {
    int finer = 0;
    for (auto pixel = image.begin<cv::Vec3w>(); pixel != image.end<cv::Vec3w>(); ++pixel) {
        for (int channel = 0; channel < 3; ++channel) {
            finer += (*pixel)[channel] % 257 != 0;
        }
    }
    return finer;
}

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

    void start(QProcess& process, const QStringList& arguments,
               const QProcessEnvironment& extraEnvironment = {}) const {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("IMPASTO_MODEL_PATH", path("models"));
        environment.insert("XDG_DATA_HOME", path("data"));
        environment.insert(extraEnvironment);
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

    // A rerun of an exported picture's recipe (--preset) on SqueezeNet, written to `output`.
    QStringList presetArguments(const QString& preset, const QString& output) const {
        return {"--preset", preset, "--model", squeezeNet(), "--device", "cpu", "--output", output};
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

    // A style mask over the left 40 columns of a 64 x 48 output and a kept square inside it,
    // saved as left.png and keep.png.
    std::pair<impasto::Mask, impasto::Mask> saveLeftAndKeepMasks() const {
        impasto::Mask left(64, 48);
        impasto::Mask keep(64, 48);
        for (int y = 0; y < 48; ++y) {
            for (int x = 0; x < 64; ++x) {
                left.values[size_t(y) * 64 + x] = x < 40 ? 1.0f : 0.0f;
                keep.values[size_t(y) * 64 + x] = x >= 8 && x < 32 && y >= 12 && y < 36;
            }
        }
        impasto::saveMask(left, path("left.png").toStdString());
        impasto::saveMask(keep, path("keep.png").toStdString());
        return {left, keep};
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
        const QStringList options = {"content",
                                     "style",
                                     "style-blend",
                                     "output",
                                     "size",
                                     "iterations",
                                     "model",
                                     "content-weight",
                                     "style-weight",
                                     "tv-weight",
                                     "content-layers",
                                     "style-layers",
                                     "optimizer",
                                     "init",
                                     "pooling",
                                     "style-scale",
                                     "preserve-colors",
                                     "seed",
                                     "device",
                                     "save-every",
                                     "report",
                                     "download-model",
                                     "preset",
                                     "normalize-gradients",
                                     "lbfgs-history",
                                     "registry",
                                     "output-dir",
                                     "style-mask",
                                     "style-source-mask",
                                     "keep-mask",
                                     "strength",
                                     "tile"};
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
            for (const char* key : {"iteration", "content", "style", "tv", "total", "seconds",
                                    "width", "height", "stage", "learningRate", "evaluations"}) {
                QVERIFY2(entry.value(key).isDouble(),
                         qPrintable(QString("entry %1 lacks \"%2\"").arg(i).arg(key)));
            }
            QCOMPARE(entry.value("iteration").toInt(), int(i + 1));
            QCOMPARE(entry.value("learningRate").toDouble(), 1.0);  // L-BFGS's default, not 0
            QCOMPARE(entry.value("width").toInt(), 64);
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

    // --tile evaluates the loss tile by tile (core/style/TiledEvaluation.h), says how, and
    // records the setting with the picture.
    void tileOptionTilesTheLossAndSaysSo() {
        const QString output = path("tiled.png");
        const QStringList arguments = withOption(stylizeArguments(output, 3), "--size", "200")
                                      << "--tile"
                                      << "64";
        const CliResult result = run(arguments);
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains(QRegularExpression("Tiled: 4 x 3 tiles of 64 px")),
                 result.describe());
        QCOMPARE(pngSettings(output).value("tile").toInt(), 64);
    }

    // --size 1024 --iterations 20 used to run all 20 at 512 px and upsample the result: the
    // full size now gets at least half of the iterations and at least 10, the stage change is
    // printed, and the report has each iteration's size.
    void coarseToFineGivesTheFullSizeHalfTheIterations() {
        const QString output = path("large.png");
        const QString report = path("report.json");
        const QStringList arguments = withOption(stylizeArguments(output, 20), "--size", "520")
                                      << "--report" << report;
        const CliResult result = run(arguments);
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains("Stage 2/2 at 520 x 390"), result.describe());
        QCOMPARE(loadPng(output).width(), 520);
        const QJsonArray entries =
            QJsonDocument::fromJson(fileBytes(report)).object().value("iterations").toArray();
        QCOMPARE(entries.size(), 20);
        int atFullSize = 0;
        for (const QJsonValue& entry : entries) {
            const QJsonObject step = entry.toObject();
            const bool full =
                step.value("width").toInt() == 520 && step.value("height").toInt() == 390;
            QVERIFY2(
                full || (step.value("width").toInt() == 260 && step.value("stage").toInt() == 0),
                qPrintable(QJsonDocument(step).toJson()));
            atFullSize += full;
        }
        QCOMPARE(atFullSize, 10);
        QCOMPARE(entries.last().toObject().value("stage").toInt(), 1);

        // Too few for a coarse stage and the full size: all at the full size, and it says so.
        const CliResult few = run(withOption(arguments, "--iterations", "5"));
        QVERIFY2(few.succeeded(), few.describe());
        QVERIFY2(few.err.contains("Coarse-to-fine left out") && few.err.contains("too few"),
                 few.describe());
        for (const QJsonValue& entry :
             QJsonDocument::fromJson(fileBytes(report)).object().value("iterations").toArray()) {
            QCOMPARE(entry.toObject().value("width").toInt(), 520);
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
        QVERIFY2(samplesFinerThan8Bits(written) > 0,
                 "every sample is an 8-bit value scaled to 16 bits");
    }

    // The one complete command line of jcjohnson/neural-style's README (its OpenCL example),
    // with only the file names, the size and the iteration count changed. Its layers are those
    // of NIN, which Impasto does not know: the message names every layer SqueezeNet has. With
    // SqueezeNet's layer names in their place the line runs, with his meanings.
    void neuralStyleReadmeCommandLine() {
        const QString output = path("profile.png");
        const QStringList readme = {"-style_image",
                                    image("starry_night.jpg"),
                                    "-content_image",
                                    image("tubingen.jpg"),
                                    "-output_image",
                                    output,
                                    "-model_file",
                                    squeezeNet(),
                                    "-proto_file",
                                    path("train_val.prototxt"),
                                    "-gpu",
                                    "0",
                                    "-backend",
                                    "clnn",
                                    "-num_iterations",
                                    "4",
                                    "-seed",
                                    "123",
                                    "-content_layers",
                                    "relu0,relu3,relu7,relu12",
                                    "-style_layers",
                                    "relu0,relu3,relu7,relu12",
                                    "-content_weight",
                                    "10",
                                    "-style_weight",
                                    "1000",
                                    "-image_size",
                                    "64",
                                    "-optimizer",
                                    "adam"};
        const CliResult nin = run(readme);
        QVERIFY2(nin.finished && nin.exitCode == 1, nin.describe());
        QVERIFY2(nin.err.contains("\"relu0\" is not a layer of SqueezeNet 1.1"), nin.describe());
        for (const char* layer : {"conv1", "relu1", "pool1", "fire2", "fire3", "pool3", "fire4",
                                  "fire5", "pool5", "fire6", "fire7", "fire8", "fire9"}) {
            QVERIFY2(nin.err.contains(QRegularExpression("\\b" + QString(layer) + "\\b")),
                     qPrintable(QString(layer) + " is not listed: " + nin.err));
        }

        const QStringList squeezeNetLayers =
            withOption(withOption(readme, "-content_layers", "fire6"), "-style_layers",
                       "relu1,fire2,fire3,fire5");
        const QJsonObject settings = expectSuccess(squeezeNetLayers, output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        const CliResult result = run(squeezeNetLayers);
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains(QRegularExpression(
                     "Ignored, as they mean nothing here: -proto_file \\S+train_val.prototxt, "
                     "-backend clnn\n")),
                 result.describe());
        QVERIFY2(result.err.contains("-gpu 0: this LibTorch has no CUDA") ||
                     result.err.contains(" on cuda"),
                 result.describe());
        QCOMPARE(settings.value("contentWeight").toDouble(), 2.0);  // 10 of his 5
        QCOMPARE(settings.value("styleWeight").toDouble(), 1000.0);
        QCOMPARE(settings.value("optimizer").toString(), QString("adam"));
        QCOMPARE(settings.value("seed").toInt(), 123);
        QCOMPARE(layerNames(settings.value("styleLayers")),
                 QStringList({"relu1", "fire2", "fire3", "fire5"}));
        expectChangedFromContent(output);
    }

    // -backend and -cudnn_autotune choose cuDNN's use on a CUDA GPU (test_cudnn_use checks the
    // mapping); on the CPU one line says that they do not apply, and a backend he had not is
    // refused by name.
    void neuralStyleCudnnFlags() {
        const QString output = path("cudnn.png");
        const CliResult result = run(stylizeArguments(output, 1) << "-backend"
                                                                 << "nn"
                                                                 << "-cudnn_autotune");
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains("-backend nn and -cudnn_autotune apply only on a CUDA GPU; "
                                     "this run is on the CPU\n"),
                 result.describe());
        QVERIFY2(!result.err.contains("Ignored"), result.describe());
        const CliResult refused = run(stylizeArguments(output, 1) << "-backend"
                                                                  << "opencl");
        QVERIFY2(refused.finished && refused.exitCode == 1, refused.describe());
        QVERIFY2(refused.err.contains("-backend expects nn, cudnn or clnn, not \"opencl\""),
                 refused.describe());
    }

    // jcjohnson/neural-style's own multi-GPU example (examples/multigpu_scripts/
    // starry_stanford.sh, its last command) with the file names, the sizes and the iteration
    // counts changed: -init image -init_image, -save_iter, -tv_weight 0,
    // -lbfgs_num_correction, -gpu 0,1,2,3, -multigpu_strategy, -backend cudnn.
    void neuralStyleMultiGpuScriptCommandLine() {
        const QString start = path("out4.png");
        expectSuccess(stylizeArguments(start, 2), start, 64, 48);
        const QString output = path("out5.png");
        const QStringList script = {
            "-content_image", image("tubingen.jpg"), "-style_image", image("starry_night.jpg"),
            "-init", "image", "-init_image", start, "-style_scale", "1.0", "-print_iter", "1",
            "-style_weight", "5e2", "-image_size", "64", "-num_iterations", "4", "-save_iter", "2",
            "-output_image", output, "-tv_weight", "0", "-lbfgs_num_correction", "5", "-gpu",
            "0,1,2,3", "-multigpu_strategy", "3,6,12", "-backend", "cudnn",
            // His models/ folder holds VGG-19, which these tests do not have.
            "-model_file", squeezeNet()};
        const CliResult result = run(script);
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains("Iteration 1/4") && result.err.contains("Iteration 3/4"),
                 result.describe());
        QVERIFY2(result.err.contains("Ignored, as they mean nothing here: -multigpu_strategy "
                                     "3,6,12\n"),
                 result.describe());
        QVERIFY2(result.err.contains(" on cuda") ||
                     result.err.contains(
                         "-backend cudnn applies only on a CUDA GPU; this run is on the CPU"),
                 result.describe());
        QVERIFY2(QFileInfo(path("out5_2.png")).isFile(), "-save_iter 2 wrote no out5_2.png");
        const QJsonObject settings = pngSettings(output);
        QCOMPARE(settings.value("init").toString(), QString("image"));
        QCOMPARE(settings.value("lbfgsHistory").toInt(), 5);
        QCOMPARE(settings.value("tvWeight").toDouble(), 0.0);
        QCOMPARE(settings.value("styleWeight").toDouble(), 500.0);
        QCOMPARE(loadPng(output).width(), 64);
    }

    // -normalize_gradients and -lbfgs_num_correction change the run, not just the settings.
    void neuralStyleOptimizerFlagsChangeTheRun() {
        const QStringList adam = stylizeArguments(path("adam.png"), 5) << "--optimizer"
                                                                       << "adam";
        const QStringList lbfgs = stylizeArguments(path("lbfgs.png"), 8);
        const struct {
            QStringList plain;
            QStringList changed;
            QString setting;
        } cases[] = {
            {adam, withOption(adam, "--output", path("normalized.png")) << "-normalize_gradients",
             "normalizeGradients"},
            {lbfgs,
             withOption(lbfgs, "--output", path("history.png")) << "-lbfgs_num_correction"
                                                                << "1",
             "lbfgsHistory"},
        };
        for (const auto& [plain, changed, setting] : cases) {
            const QString plainOutput = plain[plain.indexOf("--output") + 1];
            const QString changedOutput = changed[changed.indexOf("--output") + 1];
            const QJsonObject before = expectSuccess(plain, plainOutput, 64, 48);
            const QJsonObject after = expectSuccess(changed, changedOutput, 64, 48);
            if (QTest::currentTestFailed()) {
                return;
            }
            QVERIFY2(before.value(setting) != after.value(setting), qPrintable(setting));
            // Measured 0.014 (normalised) and 0.008 (history 1); reruns of one command are equal.
            const double difference =
                meanDifference(rgbView(loadPng(plainOutput)), rgbView(loadPng(changedOutput)));
            QVERIFY2(
                difference > 0.002,
                qPrintable(QString("%1: the picture moved by %2").arg(setting).arg(difference)));
        }
    }

    // JPEG and 16-bit TIFF by the output's extension, written atomically like PNG, with the
    // recipe where each format's tools show it (JPEG comment, TIFF ImageDescription), read back
    // by --preset; intermediate images take the output's format.
    void jpegAndTiffOutputsCarryTheRecipe() {
        const struct {
            const char* name;
            int depth;
            QByteArray signature;
        } formats[] = {{"out.jpg", CV_8U, QByteArray("\xFF\xD8\xFF", 3)},
                       {"out.tif", CV_16U, QByteArray("II*\0", 4)}};
        for (const auto& [name, depth, signature] : formats) {
            const QString output = path(name);
            const CliResult result = run(stylizeArguments(output, 4) << "--save-every"
                                                                     << "2");
            QVERIFY2(result.succeeded(), result.describe());
            QVERIFY2(fileBytes(output).startsWith(signature), name);
            const cv::Mat written = cv::imread(output.toStdString(), cv::IMREAD_UNCHANGED);
            QCOMPARE(written.depth(), depth);
            QCOMPARE(written.channels(), 3);
            QCOMPARE(written.cols, 64);
            QCOMPARE(written.rows, 48);
            const QString intermediate = path(QString(name).replace("out.", "out_2."));
            QVERIFY2(QFileInfo(intermediate).isFile(), qPrintable(intermediate));

            const impasto::Recipe recipe = impasto::loadRecipe(output.toStdString());
            QCOMPARE(recipe.settings.outputSize, 64);
            QCOMPARE(recipe.inputs.iterations, std::optional<int>(4));
            QCOMPARE(QString::fromStdString(recipe.inputs.content.value_or("")),
                     image("tubingen.jpg"));
            const QString again = path("again.png");
            const QJsonObject rerun = expectSuccess(presetArguments(output, again), again, 64, 48);
            if (QTest::currentTestFailed()) {
                return;
            }
            QCOMPARE(rerun.value("iterations").toInt(), 4);
            QCOMPARE(rerun.value("styles").toArray().size(), 1);
        }
        const cv::Mat tiff = cv::imread(path("out.tif").toStdString(), cv::IMREAD_UNCHANGED);
        QVERIFY2(samplesFinerThan8Bits(tiff) > 0,
                 "every TIFF sample is an 8-bit value scaled to 16 bits");
    }

    // --download-model from another registry (--registry), served by this test: progress in
    // real units (it said "2.9 MB of 2 MB"), the SHA-256 the entry lacks recorded, and a second
    // run that checks the installed file and downloads nothing.
    void downloadModelFromAnotherRegistry() {
        impasto::test::LocalHttpServer server;
        const QByteArray weights = fileBytes(squeezeNet());
        QCOMPARE(weights.size(), 2894872);
        server.serve("/squeezenet.safetensors", weights);
        const QJsonObject entry{{"name", "squeezenet-test"},
                                {"title", "SqueezeNet 1.1 (test)"},
                                {"architecture", "squeezenet1_1"},
                                {"url", server.url("/squeezenet.safetensors")},
                                {"fileName", "squeezenet-test.safetensors"},
                                {"format", "safetensors"},
                                {"sizeBytes", 0},
                                {"sha256", ""},
                                {"preprocessing", "caffe-bgr:104.006,116.669,122.679"},
                                {"layers", QJsonArray{"conv1", "relu1", "fire2", "fire3", "fire4",
                                                      "fire5", "fire6", "fire7", "fire8", "fire9"}},
                                {"license", "BSD-2-Clause"},
                                {"contentLayers", QJsonArray{"fire6"}},
                                {"styleLayers", QJsonArray{"relu1", "fire2"}}};
        QVERIFY(writeFile(
            path("registry.json"),
            QJsonDocument(QJsonObject{{"schemaVersion", 1}, {"models", QJsonArray{entry}}})
                .toJson()));
        // The server answers only while this thread runs an event loop.
        auto download = [&] {
            QProcess process;
            start(process,
                  {"--registry", path("registry.json"), "--download-model", "squeezenet-test"});
            QEventLoop loop;
            connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
            if (process.state() != QProcess::NotRunning) {
                loop.exec();
            }
            CliResult result;
            result.finished = process.state() == QProcess::NotRunning;
            if (!result.finished) {
                process.kill();
                process.waitForFinished();
            }
            result.exitStatus = process.exitStatus();
            result.exitCode = process.exitCode();
            result.err = QString::fromUtf8(process.readAllStandardError());
            return result;
        };
        const CliResult first = download();
        QVERIFY2(first.succeeded(), first.describe());
        QVERIFY2(first.err.contains("Downloading squeezenet-test: 2.89 MB of 2.89 MB (100%)"),
                 first.describe());
        const QString installed = path("data/impasto/models/squeezenet-test.safetensors");
        QCOMPARE(fileBytes(installed), weights);
        QVERIFY2(first.err.contains("recorded") &&
                     fileBytes(installed + ".sha256")
                         .startsWith(
                             QCryptographicHash::hash(weights, QCryptographicHash::Sha256).toHex()),
                 first.describe());
        QCOMPARE(server.requests().size(), 1);

        const CliResult second = download();
        QVERIFY2(second.succeeded(), second.describe());
        QVERIFY2(second.err.contains("SHA-256 checks out: nothing to download"), second.describe());
        QCOMPARE(server.requests().size(), 1);
    }

    // A partial file lacks some of the model's recommended layers: the run says which, and what
    // it uses instead.
    void leftOutDefaultLayersAreNamed() {
        const QString output = path("out.png");
        const CliResult result =
            run(withOption(stylizeArguments(output, 1), "--model", partialVgg19()));
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains("This file holds VGG-19 only up to pool3: the default "
                                     "content layer relu4_2 is left out, relu3_4 is used instead; "
                                     "the default style layers relu4_1, relu5_1 are left out, "
                                     "relu1_1, relu2_1, relu3_1 are used instead"),
                 result.describe());
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

    // The scream on the left, starry night on the right (masks of another size than the
    // output), the middle kept: the halves take their own painting's colours (the scream's
    // warm, starry night's blue) and the settings record the strength; strength 0 writes the
    // photo itself.
    void masksAndStrengthFromTheCommandLine() {
        impasto::Mask left(100, 75);
        for (int y = 0; y < 75; ++y) {
            for (int x = 0; x < 50; ++x) {
                left.values[size_t(y) * 100 + x] = 1.0f;
            }
        }
        impasto::Mask right = left;
        for (float& value : right.values) {
            value = 1.0f - value;
        }
        impasto::Mask keep(10, 10);
        keep.values[4 * 10 + 4] = 1.0f;
        impasto::saveMask(left, path("left.png").toStdString());
        impasto::saveMask(right, path("right.png").toStdString());
        impasto::saveMask(keep, path("keep.png").toStdString());
        const QString output = path("masked.png");
        const QStringList masked =
            withOption(stylizeArguments(output, 20), "--style", image("the_scream.jpg"))
            << "--style" << image("starry_night.jpg") << "--style-mask" << path("left.png")
            << "--style-mask" << path("right.png") << "--keep-mask" << path("keep.png");
        expectSuccess(masked, output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        const impasto::Image written = loadPng(output);
        // Blue minus red, averaged over a column range.
        const auto blueness = [&](int from, int to) {
            double sum = 0.0;
            for (int y = 0; y < written.height(); ++y) {
                for (int x = from; x < to; ++x) {
                    const float* pixel = &written.rgb[(size_t(y) * written.width() + x) * 3];
                    sum += pixel[2] - pixel[0];
                }
            }
            return sum / ((to - from) * written.height());
        };
        const double leftBlue = blueness(0, 24);
        const double rightBlue = blueness(40, 64);
        QVERIFY2(rightBlue > leftBlue + 0.1,
                 qPrintable(QString("blue - red: %1 left, %2 right").arg(leftBlue).arg(rightBlue)));

        const QString photo = path("photo.png");
        const QJsonObject settings =
            expectSuccess(withOption(masked, "--output", photo) << "--strength"
                                                                << "0",
                          photo, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(settings.value("strength").toDouble(), 0.0);
        const double difference =
            meanDifference(rgbView(loadPng(photo)), rgbView(resizedContent(64, 48)));
        QVERIFY2(difference < 0.01,
                 qPrintable(QString("strength 0: %1 from the photo").arg(difference)));
    }

    // An exported picture carries its masks (PNG: maSk chunks; JPEG: APP9 segments): --preset
    // of it with no mask flag runs with them again (the kept square stays the photo there,
    // unlike the rest and unlike a run without masks) and its result carries them too.
    void masksTravelInTheExportedImage_data() {
        QTest::addColumn<QString>("extension");
        QTest::newRow("png") << "png";
        QTest::newRow("jpeg") << "jpg";
    }

    void masksTravelInTheExportedImage() {
        QFETCH(QString, extension);
        const auto [left, keep] = saveLeftAndKeepMasks();
        const QString exported = path("exported." + extension);
        const CliResult masked =
            run(stylizeArguments(exported, 20)
                << "--style-mask" << path("left.png") << "--keep-mask" << path("keep.png"));
        QVERIFY2(masked.succeeded(), masked.describe());
        const impasto::MaskSet stored = impasto::readEmbeddedMasks(exported.toStdString());
        QCOMPARE(stored.paintings, std::vector<std::optional<impasto::Mask>>{left});
        QCOMPARE(stored.keep, std::optional(keep));

        const QString again = path("again.png");
        const CliResult result = run(presetArguments(exported, again));
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains("Masks from the preset: where painting 1 applies, where the "
                                     "photo stays"),
                 result.describe());
        QVERIFY(impasto::readEmbeddedMasks(again.toStdString()) == stored);
        const QString unmasked = path("unmasked.png");
        expectSuccess(stylizeArguments(unmasked, 20), unmasked, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        // Mean difference in the kept square from the photo, from the run without masks, and
        // the styled strip left of the square's from the photo (x 0..8 and 32..40, all rows).
        const impasto::Image written = loadPng(again);
        const impasto::Image content = resizedContent(64, 48);
        const impasto::Image withoutMasks = loadPng(unmasked);
        const cv::Mat photo = rgbView(content);
        const cv::Mat painted = rgbView(written);
        const cv::Rect square(8, 12, 24, 24);
        const double kept = meanDifference(painted(square), photo(square));
        const double fromUnmasked = meanDifference(painted(square), rgbView(withoutMasks)(square));
        const double styled =
            (meanDifference(painted(cv::Rect(0, 0, 8, 48)), photo(cv::Rect(0, 0, 8, 48))) +
             meanDifference(painted(cv::Rect(32, 0, 8, 48)), photo(cv::Rect(32, 0, 8, 48)))) /
            2.0;
        QVERIFY2(kept < 0.02 && styled > 3.0 * kept && fromUnmasked > 3.0 * kept,
                 qPrintable(QString("kept square: %1 from the photo, %2 from the unmasked run; "
                                    "styled strip %3 from the photo")
                                .arg(kept)
                                .arg(fromUnmasked)
                                .arg(styled)));

        // A damaged mask chunk (its first fails its checksum) fails a run that would take masks
        // from it, not one whose flags give every kind.
        const QString damaged = path("damaged." + extension);
        QVERIFY(impasto::test::copyWithDamagedMaskChunk(exported, damaged));
        const QStringList fromDamaged = {
            "--preset", damaged,        "--model", squeezeNet(), "--device",
            "cpu",      "--iterations", "2",       "--output",   path("fromDamaged.png")};
        const CliResult refused = run(fromDamaged);
        QVERIFY2(!refused.succeeded() && refused.err.contains("checksum"), refused.describe());
        const CliResult flagsOnly = run(
            QStringList(fromDamaged) << "--style-mask" << path("left.png") << "--style-source-mask"
                                     << "none"
                                     << "--keep-mask" << path("keep.png"));
        QVERIFY2(flagsOnly.succeeded(), flagsOnly.describe());
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
            // A fixed thread count: another count sums in another order.
            const QStringList arguments = stylizeArguments(output, 3)
                                          << "--init"
                                          << "noise"
                                          << "--seed" << seed << "--threads"
                                          << "1";
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

    // Adam at 0.2 used to undo every step and write the photo with exit code 0: an undone step
    // now halves the rate, and the run moves.
    void adamOvershootingHalvesTheLearningRate() {
        const QString output = path("adam.png");
        const QString report = path("report.json");
        const QStringList arguments = stylizeArguments(output, 10) << "--optimizer"
                                                                   << "adam"
                                                                   << "--learning-rate"
                                                                   << "0.2"
                                                                   << "--report" << report;
        expectSuccess(arguments, output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        expectChangedFromContent(output);
        const QJsonArray entries =
            QJsonDocument::fromJson(fileBytes(report)).object().value("iterations").toArray();
        const double finalRate = entries.last().toObject().value("learningRate").toDouble();
        QVERIFY2(finalRate > 0.0 && finalRate < 0.2, qPrintable(QString::number(finalRate)));
        QVERIFY(run(arguments).err.contains("Learning rate halved"));
    }

    // A rate so large that halving it a few times does not help: no step is kept, and the run
    // fails instead of writing the photo as its result.
    void aRunThatNeverMovedFails() {
        const QString output = path("stuck.png");
        const CliResult result = run(stylizeArguments(output, 4) << "--optimizer"
                                                                 << "adam"
                                                                 << "--learning-rate"
                                                                 << "1000");
        QVERIFY2(result.finished && result.exitCode == 1, result.describe());
        QVERIFY2(result.err.contains("never changed") && result.err.contains("--learning-rate"),
                 result.describe());
        QVERIFY(!QFileInfo::exists(output));
    }

    // The first line names the precision and why; --precision chooses it and the PNG keeps it.
    void precisionIsNamedOnTheFirstLine() {
        QVERIFY(run({"--help"}).out.contains("--precision"));
        const QString automatic = path("automatic.png");
        const CliResult result = run(stylizeArguments(automatic, 1));
        QVERIFY2(result.succeeded(), result.describe());
        const QString firstLine = result.err.section('\n', 0, 0);
        QVERIFY2(firstLine.contains(QRegularExpression(" in (float32|bfloat16) \\(auto: .+\\)$")),
                 qPrintable(firstLine));
        QCOMPARE(pngSettings(automatic).value("precision").toString(), QString("auto"));
        const QString chosen = path("bfloat16.png");
        const CliResult bfloat16 =
            run(withOption(stylizeArguments(chosen, 1), "--precision", "bfloat16"));
        QVERIFY2(bfloat16.succeeded(), bfloat16.describe());
        const QString chosenLine = bfloat16.err.section('\n', 0, 0);
        QVERIFY2(chosenLine.endsWith(" in bfloat16 (chosen in the settings)"),
                 qPrintable(chosenLine));
        QCOMPARE(pngSettings(chosen).value("precision").toString(), QString("bfloat16"));
    }

    // --threads N runs N threads: the CLI says so once prepared, the report records LibTorch's
    // own count at every iteration, and the PNG keeps the setting. Automatic says why.
    void threadsOptionSetsTheCount() {
        QVERIFY(run({"--help"}).out.contains("--threads"));
        for (const int threads : {1, 2}) {
            const QString output = path(QString("threads-%1.png").arg(threads));
            const QString report = path(QString("threads-%1.json").arg(threads));
            const CliResult result =
                run(withOption(stylizeArguments(output, 3), "--threads", QString::number(threads))
                    << "--report" << report);
            QVERIFY2(result.succeeded(), result.describe());
            const QString said = threads == 1 ? "on 1 CPU thread (set)" : "on 2 CPU threads (set)";
            QVERIFY2(result.err.contains(said), qPrintable(result.err));
            const QJsonArray iterations =
                QJsonDocument::fromJson(fileBytes(report)).object().value("iterations").toArray();
            QCOMPARE(iterations.size(), 3);
            for (const QJsonValue& entry : iterations) {
                QCOMPARE(entry.toObject().value("threads").toInt(), threads);
            }
            QCOMPARE(pngSettings(output).value("threads").toInt(), threads);
        }
        const CliResult automatic = run(stylizeArguments(path("threads-auto.png"), 1));
        QVERIFY2(automatic.succeeded(), automatic.describe());
        QVERIFY2(automatic.err.contains(QRegularExpression(
                     "on \\d+ CPU threads? \\(auto: other programs keep [0-9.]+ of \\d+ cores "
                     "busy\\)")),
                 qPrintable(automatic.err));
        const CliResult negative =
            run(withOption(stylizeArguments(path("threads-bad.png"), 1), "--threads", "-2"));
        QVERIFY(!negative.succeeded());
        QVERIFY2(negative.err.contains("--threads"), qPrintable(negative.err));
    }

    // Issue 17's choices travel with the PNG; iterations per scale without --iterations make
    // the run as long as they add up to (4 at 64 px, then 3 at 128 px).
    void styleLossAveragingAndScalesFromTheCommandLine() {
        const QString output = path("wasserstein.png");
        QStringList arguments = stylizeArguments(output);
        const qsizetype iterations = arguments.indexOf("--iterations");
        arguments.remove(iterations, 2);
        arguments[arguments.indexOf("--size") + 1] = "128";
        arguments << "--style-loss"
                  << "wasserstein"
                  << "--avg-decay"
                  << "0.5"
                  << "--min-scale"
                  << "64"
                  << "--initial-iterations"
                  << "4"
                  << "--scale-iterations"
                  << "3";
        const QJsonObject settings = expectSuccess(arguments, output, 128, 96);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(settings.value("styleLoss").toString(), QString("wasserstein"));
        QCOMPARE(settings.value("averageDecay").toDouble(), 0.5);
        QCOMPARE(settings.value("minScale").toInt(), 64);
        QCOMPARE(settings.value("initialIterations").toInt(), 4);
        QCOMPARE(settings.value("scaleIterations").toInt(), 3);
        QCOMPARE(QString::fromStdString(pngText(output).at("impasto:iterations")), QString("7"));
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

    // --tv-weight spans none to very smooth: the mean difference between neighbouring pixels
    // falls by at least 5% from 0 to 1 and from 1 to 10 (measured at 64 x 48 after 30
    // iterations: 0.087, 0.078, 0.053; before the term was scaled, 0 and 10 gave the same).
    void tvWeightSmoothsAcrossItsRange() {
        auto neighbourDifference = [](const QString& file) {
            const impasto::Image written = loadPng(file);
            const cv::Mat image = rgbView(written);
            const cv::Rect all(0, 0, image.cols, image.rows);
            const double horizontal = meanDifference(image(all - cv::Size(1, 0)),
                                                     image(all - cv::Size(1, 0) + cv::Point(1, 0)));
            const double vertical = meanDifference(image(all - cv::Size(0, 1)),
                                                   image(all - cv::Size(0, 1) + cv::Point(0, 1)));
            return (horizontal + vertical) / 2;
        };
        double previous = 1.0;
        for (const QString& weight : QStringList{"0", "1", "10"}) {
            const QString output = path("tv-" + weight + ".png");
            const CliResult result =
                run(withOption(stylizeArguments(output, 30), "--tv-weight", weight));
            QVERIFY2(result.succeeded(), result.describe());
            const double difference = neighbourDifference(output);
            QVERIFY2(difference < 0.95 * previous,
                     qPrintable(QString("--tv-weight %1: neighbour difference %2, before %3")
                                    .arg(weight)
                                    .arg(difference)
                                    .arg(previous)));
            previous = difference;
        }
    }

    // Without --style the network rebuilds the photo from noise at a layer that still holds it
    // (SqueezeNet's fire3; from fire6 it stays noise): the result comes measurably closer to the
    // photo than its noise start, but is not the photo, which it was when runs started there.
    void featureInversionWithoutStyle() {
        const QString output = path("inverted.png");
        const QStringList arguments = withoutOption(stylizeArguments(output, 200), "--style");
        const CliResult result = run(arguments);
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(result.err.contains("Feature inversion: from noise, content layer fire3"),
                 qPrintable(result.err));
        const QJsonObject settings = pngSettings(output);
        QCOMPARE(settings.value("init").toString(), QString("noise"));
        QCOMPARE(layerNames(settings.value("contentLayers")), QStringList{"fire3"});
        const QString start = path("inverted-start.png");
        QVERIFY(run(withOption(withOption(arguments, "--iterations", "0"), "--output", start))
                    .succeeded());
        auto rmseFromPhoto = [](const QString& file) {
            const impasto::Image image = loadPng(file);
            const impasto::Image photo = resizedContent(image.width(), image.height());
            const cv::Mat photoView = rgbView(photo);
            return cv::norm(rgbView(image), photoView, cv::NORM_L2) /
                   std::sqrt(double(photoView.total() * photoView.channels()));
        };
        const double startError = rmseFromPhoto(start);
        const double resultError = rmseFromPhoto(output);
        // Measured at 64 x 48 after 200 iterations: 0.253 from noise, 0.153 after.
        QVERIFY2(resultError < 0.75 * startError,
                 qPrintable(QString("RMSE from the photo %1, its noise start %2")
                                .arg(resultError)
                                .arg(startError)));
        QVERIFY2(resultError > 0.03,
                 qPrintable(QString("the photo itself: RMSE %1").arg(resultError)));
        // Asked for, the photo is the start (and the answer).
        const QString fromPhoto = path("inverted-from-photo.png");
        QVERIFY(run(withOption(withOption(arguments, "--init", "content"), "--output", fromPhoto))
                    .succeeded());
        QCOMPARE(pngSettings(fromPhoto).value("init").toString(), QString("content"));
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

    // "--preset out.png" used to fail ("not valid JSON at byte 0"): an exported PNG is now a
    // complete recipe (photo, paintings with their blend weights, iterations) in a tEXt chunk,
    // which ImageMagick 6 shows, and runs again as it is.
    void exportedPngIsACompleteRecipe() {
        const QString output = path("first.png");
        const QStringList arguments = stylizeArguments(output, 3)
                                      << "--style" << image("the_scream.jpg") << "--style-blend"
                                      << "1,3"
                                      << "--seed"
                                      << "9";
        const QJsonObject recipe = expectSuccess(arguments, output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QVERIFY2(fileBytes(output).contains("tEXtimpasto:settings"), "the settings are not tEXt");
        QCOMPARE(recipe.value("content").toString(), image("tubingen.jpg"));
        const QJsonArray styles = recipe.value("styles").toArray();
        QCOMPARE(styles.size(), 2);
        QCOMPARE(styles[1].toObject().value("file").toString(), image("the_scream.jpg"));
        QCOMPARE(styles[1].toObject().value("blend").toDouble(), 3.0);
        QCOMPARE(recipe.value("iterations").toInt(), 3);

        const QString again = path("again.png");
        const QJsonObject rerun = expectSuccess(presetArguments(output, again), again, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(rerun, recipe);
    }

    // A run that started from an image names the image in its recipe (recipes used to say only
    // "init": "image"), and --preset of the export starts from it again.
    void recipeNamesItsStartingImage() {
        const QString start = path("start.jpg");
        QFile::remove(start);
        QVERIFY(QFile::copy(image("the_scream.jpg"), start));
        const QString output = path("from-start.png");
        const QJsonObject recipe =
            expectSuccess(stylizeArguments(output, 2) << "--init" << start, output, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(recipe.value("init").toString(), QString("image"));
        QCOMPARE(recipe.value("initImage").toString(), start);

        const QString again = path("from-start-again.png");
        const QJsonObject rerun = expectSuccess(presetArguments(output, again), again, 64, 48);
        if (QTest::currentTestFailed()) {
            return;
        }
        QCOMPARE(rerun, recipe);
        // Deterministic on the CPU: the same start gives the same picture.
        QCOMPARE(meanDifference(rgbView(loadPng(again)), rgbView(loadPng(output))), 0.0);
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
        row("unreadable style mask", good + QStringList{"--style-mask", "{dir}/text.jpg"},
            "text.jpg");
        row("black style mask", good + QStringList{"--style-mask", "{dir}/black-mask.png"},
            "black everywhere");
        row("two style masks for one style",
            good + QStringList{"--style-mask", "{dir}/white-mask.png", "--style-mask", "none"},
            "one per --style");
        row("keep mask leaving no pixel", good + QStringList{"--keep-mask", "{dir}/white-mask.png"},
            "no pixel for any painting");
        row("keep mask without a photo",
            withoutOption(good, "--content") + QStringList{"--keep-mask", "{dir}/white-mask.png"},
            "--content");
        row("strength above 1", good + QStringList{"--strength", "1.5"}, "--strength");
        row("several photos without --output-dir",
            good + QStringList{"--content", "{dir}/photo.png"}, "--output-dir");
        row("folder of photos without --output-dir",
            withOption(good, "--content", "{dir}/folder.png"), "--output-dir");
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
        // An unknown layer names every valid one; on a partial file, the range it really holds.
        row("unknown layer on a partial file",
            withOption(withOption(good, "--model", partialVgg19()), "--style-layers", "conv9"),
            "This weight file holds its layers from conv1_1 to pool3: conv1_1, relu1_1, conv1_2, "
            "relu1_2, pool1, conv2_1, relu2_1, conv2_2, relu2_2, pool2, conv3_1, relu3_1, "
            "conv3_2, relu3_2, conv3_3, relu3_3, conv3_4, relu3_4, pool3");
        row("original colours not 0 or 1",
            QStringList(good) << "-original_colors"
                              << "2",
            "-original_colors expects 0 or 1");
        row("16 bits in a JPEG",
            QStringList(good) << "--bit-depth"
                              << "16"
                              << "--output"
                              << "{dir}/out.jpg",
            "JPEG holds 8 bits");
        row("output in an unknown format",
            QStringList(good) << "--output"
                              << "{dir}/out.bmp",
            ".png, .jpg, .jpeg, .tif or .tiff");
        row("gpu not a number",
            QStringList(good) << "-gpu"
                              << "first",
            "-gpu expects -1");
        row("size not a number", withOption(good, "--size", "abc"), "--size");
        row("size zero", withOption(good, "--size", "0"), "--size");
        row("unknown optimizer", withOption(good, "--optimizer", "foo"), "optimizer");
        row("unknown pooling", withOption(good, "--pooling", "foo"), "pooling");
        row("unknown style loss", withOption(good, "--style-loss", "w2"),
            "--style-loss must be one of gram, wasserstein");
        row("average decay 1", withOption(good, "--avg-decay", "1"), "averaging decay");
        row("min scale without coarse to fine",
            withOption(good, "--min-scale", "64") << "--no-coarse-to-fine", "--min-scale");
        row("unknown device", withOption(good, "--device", "foo"), "device");
        row("unknown precision", withOption(good, "--precision", "float16"), "--precision");
        row("style blend count", withOption(good, "--style-blend", "1,2"), "style-blend");
        // All-zero weights used to pass: equal blend weights, or no style at all.
        row("style blend all zero",
            withOption(QStringList(good) << "--style" << image("the_scream.jpg"), "--style-blend",
                       "0,0"),
            "blend weights are all 0");
        row("style layers all zero", withOption(good, "--style-layers", "relu1:0,fire2:0"),
            "every style layer has weight 0");
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
        row("preset image without settings",
            QStringList(good) << "--preset" << impasto::test::sharedImage("tubingen.jpg"),
            "holds no Impasto settings");
        row("preset starting from an image",
            QStringList(good) << "--preset"
                              << "{dir}/image-init.json",
            "--init");
        row("preset starting from an image that is gone",
            QStringList(good) << "--preset"
                              << "{dir}/gone-init.json",
            "no-such-start.png, which is no longer there");
        row("preset starting from a fast style",
            QStringList(good) << "--preset"
                              << "{dir}/fast-init.json",
            "starry.safetensors, which is no longer there");
        row("output folder missing",
            QStringList(good) << "--output"
                              << "{dir}/nowhere/out.png",
            "nowhere");
        row("report folder missing",
            QStringList(good) << "--report"
                              << "{dir}/nowhere/report.json",
            "nowhere");
        // Model paths that are no weight file, said as what they are.
        row("model is a named pipe", withOption(good, "--model", "{dir}/pipe"),
            "{dir}/pipe is a named pipe, not a file");
        row("model is a device", withOption(good, "--model", "/dev/zero"),
            "/dev/zero is a device, not a file");
        row("model is a folder", withOption(good, "--model", "{dir}/models"),
            "{dir}/models is a folder, not a file");
        row("model is a loop of symbolic links", withOption(good, "--model", "{dir}/loop"),
            "Cannot read {dir}/loop: Too many levels of symbolic links");
        // Outputs that could not be written, found before the run rather than after it.
        row("output is a folder",
            QStringList(good) << "--output"
                              << "{dir}/folder.png",
            "--output {dir}/folder.png is a folder");
        row("report is a folder",
            QStringList(good) << "--report"
                              << "{dir}/models",
            "--report {dir}/models is a folder");
        row("output name too long",
            QStringList(good) << "--output"
                              << "{dir}/" + QString(300, 'n') + ".png",
            "304 bytes long; the limit is 255");
        row("output folder not writable",
            QStringList(good) << "--output"
                              << "/proc/out.png",
            "Cannot write /proc/out.png");
        // Finite numbers beyond the engine's float32 arithmetic, named rather than met later.
        row("learning rate 1e308", withOption(good, "--learning-rate", "1e308"),
            "learning rate must be at most 1e+06");
        row("preset learning rate 1e308",
            QStringList(good) << "--preset"
                              << "{dir}/huge-rate.json",
            "learning rate must be at most 1e+06");
        // A named pipe without a writer would block open() forever.
        row("content is a named pipe", withOption(good, "--content", "{dir}/pipe"),
            "pipe is a named pipe");
        row("style is a named pipe", withOption(good, "--style", "{dir}/pipe"),
            "pipe is a named pipe");
        row("init image is a named pipe",
            QStringList(good) << "--init"
                              << "{dir}/pipe",
            "pipe is a named pipe");
        row("preset is a named pipe",
            QStringList(good) << "--preset"
                              << "{dir}/pipe",
            "pipe is a named pipe");
        row("content is a device", withOption(good, "--content", "/dev/zero"),
            "/dev/zero is a device");
        // Outputs that are inputs, by identity: {dir}/photo.png is tubingen.jpg's bytes,
        // hard-link.png and symlink.png other names for it, out_2.png another copy.
        const QStringList onPhoto = withOption(good, "--content", "{dir}/photo.png");
        row("output is the content",
            QStringList(onPhoto) << "--output"
                                 << "{dir}/photo.png",
            "would overwrite the content image");
        row("output is the content by another path",
            QStringList(onPhoto) << "--output"
                                 << "{dir}/../" + QString("{name}") + "/photo.png",
            "would overwrite the content image");
        row("output is a hard link to the content",
            QStringList(onPhoto) << "--output"
                                 << "{dir}/hard-link.png",
            "would overwrite the content image");
        row("output is a symbolic link to the content",
            QStringList(onPhoto) << "--output"
                                 << "{dir}/symlink.png",
            "would overwrite");
        row("output is a style",
            withOption(good, "--style", "{dir}/photo.png") << "--output"
                                                           << "{dir}/photo.png",
            "would overwrite style image 1");
        row("report is the content",
            QStringList(onPhoto) << "--report"
                                 << "{dir}/photo.png",
            "--report {dir}/photo.png would overwrite the content image");
        row("size given twice",
            QStringList(good) << "--image_size"
                              << "80",
            "--size is given 2 times (64, 80): give it once");
        row("iterations given under two names",
            QStringList(good) << "-n"
                              << "4",
            "--iterations is given 2 times (3, 4)");
        row("kernel file that reports no size", withOption(good, "--content", "/proc/self/status"),
            "/proc/self/status is not an image OpenCV can read (it looks like text)");
        row("memory limit without a unit", withOption(good, "--memory-limit", "500"),
            "--memory-limit expects a size");
        row("intermediate is the content",
            withOption(withOption(good, "--content", "{dir}/out_2.png"), "--iterations", "5")
                << "--save-every"
                << "2"
                << "--output"
                << "{dir}/out.png",
            "--save-every's image {dir}/out_2.png would overwrite the content image");
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
        impasto::saveMask(impasto::Mask(8, 8), path("black-mask.png").toStdString());
        impasto::saveMask(impasto::Mask(8, 8, 1.0f), path("white-mask.png").toStdString());
        QVERIFY(writeFile(path("truncated.jpg"), tubingen.left(tubingen.size() / 2)));
        QVERIFY(writeFile(path("random.safetensors"), noise));
        QVERIFY(writeFile(path("typo.json"), R"({"styleWieght": 5})"));
        QVERIFY(writeFile(path("image-init.json"), R"({"init": "image"})"));
        QVERIFY(writeFile(path("gone-init.json"),
                          R"({"init": "image", "initImage": "no-such-start.png"})"));
        QVERIFY(writeFile(path("fast-init.json"),
                          R"({"init": "image", "initFastStyle": "starry.safetensors"})"));
        QVERIFY(writeFile(path("huge-rate.json"), R"({"learningRate": 1e308})"));
        QVERIFY(QDir(dir_->path()).mkdir("folder.png"));
        QVERIFY(QFile::link(path("loop"), path("loop")));
        QVERIFY(writeFile(path("photo.png"), tubingen));
        QCOMPARE(::mkfifo(qPrintable(path("pipe")), 0600), 0);
        QVERIFY(writeFile(path("out_2.png"), tubingen));
        QCOMPARE(::link(qPrintable(path("photo.png")), qPrintable(path("hard-link.png"))), 0);
        QVERIFY(QFile::link(path("photo.png"), path("symlink.png")));

        for (QString& argument : arguments) {
            argument.replace("{name}", QFileInfo(dir_->path()).fileName());
            argument.replace("{dir}", dir_->path());
        }
        keyword.replace("{dir}", dir_->path());
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

    void printingIntoAFullDiskFails_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("--help") << QStringList{"--help"};
        QTest::newRow("--version") << QStringList{"--version"};
        QTest::newRow("--list-models") << QStringList{"--list-models"};
    }
    void printingIntoAFullDiskFails() {
        QFETCH(QStringList, arguments);
        QProcess process;
        process.setStandardOutputFile("/dev/full");
        start(process, arguments);
        const CliResult result = finish(process);
        QVERIFY2(result.finished && result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 1, result.describe());
        QVERIFY2(result.err.contains("cannot write to the standard output: No space left"),
                 result.describe());
    }

    void longestOutputNameIsWritten() {
        // 255 bytes, the most a name may have: the temporary file's name must fit as well.
        const QString output = path(QString(251, 'n') + ".png");
        expectSuccess(stylizeArguments(output, 2), output, 64, 48);
        QCOMPARE(listing(dir_->path()), (QStringList{"models", QFileInfo(output).fileName()}));
    }

    void hugeBlendAndLayerWeightsKeepTheStyle() {
        // Their sums overflow a double: normalised plainly, every weight became 0.
        const QString output = path("huge-weights.png");
        expectSuccess(stylizeArguments(output, 10)
                          << "--style" << image("the_scream.jpg") << "--style-blend"
                          << "1e308,1e308"
                          << "--style-layers"
                          << "fire2:1e308,fire3:1e308",
                      output, 64, 48);
        if (!QTest::currentTestFailed()) {
            expectChangedFromContent(output);
        }
    }

    // A folder made here with two shared photos and a broken file: the photos are painted into a
    // new output folder, each result named after (and recording) its photo; the broken file is
    // reported and skipped, and the exit code says that the batch was not complete.
    void batchFolderSkipsTheBrokenPhoto() {
        const QString photos = path("photos");
        QVERIFY(QDir().mkpath(photos));
        QVERIFY(QFile::copy(image("tubingen.jpg"), photos + "/tubingen.jpg"));
        QVERIFY(QFile::copy(image("the_scream.jpg"), photos + "/the_scream.jpg"));
        QVERIFY(writeFile(photos + "/broken.jpg", "This is not a picture.\n"));
        const QStringList arguments = withoutOption(stylizeArguments({}, 3), "--output");
        const CliResult result = run(withOption(arguments, "--content", photos)
                                     << "--output-dir" << path("results/new"));

        QVERIFY2(result.finished && result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 1, result.describe());
        QVERIFY2(result.err.contains("Photo 1 of 3: " + photos + "/broken.jpg"), result.describe());
        QVERIFY2(result.err.contains("Photo 3 of 3: " + photos + "/tubingen.jpg"),
                 result.describe());
        QVERIFY2(result.err.contains("Failed: " + photos + "/broken.jpg"), result.describe());
        // The paintings' style targets are computed for the first photo and reused.
        QVERIFY2(result.err.contains("2 of 3 photos written"), result.describe());
        QVERIFY2(result.err.contains("style targets computed once"), result.describe());
        QCOMPARE(listing(path("results/new")),
                 (QStringList{"the_scream-impasto.png", "tubingen-impasto.png"}));
        for (const QString name : {"the_scream", "tubingen"}) {
            const QString output = path("results/new/" + name + "-impasto.png");
            const impasto::Recipe recipe = impasto::loadRecipe(output.toStdString());
            QCOMPARE(QString::fromStdString(recipe.inputs.content.value_or("")),
                     photos + "/" + name + ".jpg");
            QCOMPARE(std::max(loadPng(output).width(), loadPng(output).height()), 64);
        }
        QCOMPARE(listing(photos), (QStringList{"broken.jpg", "the_scream.jpg", "tubingen.jpg"}));
    }

    // Ctrl+C in a batch of repeated --content writes the current photo's result and stops.
    void batchStopSignalWritesTheCurrentPhotoAndStops() {
        QProcess process;
        start(process, withOption(withoutOption(stylizeArguments({}, 2000), "--output"),
                                  "--content", image("tubingen.jpg"))
                           << "--content" << image("the_scream.jpg") << "--output-dir"
                           << path("results") << "--print-every"
                           << "1");
        QVERIFY2(process.waitForStarted(kTimeoutMs), qPrintable(process.errorString()));
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
        QCOMPARE(::kill(pid_t(process.processId()), SIGINT), 0);

        const CliResult result = finish(process, stderrSoFar);
        QVERIFY2(result.finished && result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 128 + SIGINT, result.describe());
        QVERIFY2(!result.err.contains("Photo 2 of 2"), result.describe());
        QCOMPARE(listing(path("results")), (QStringList{"tubingen-impasto.png"}));
    }

    void stopSignalWritesResult_data() {
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("expectedHeight");
        QTest::newRow("SIGINT (Ctrl+C)") << SIGINT << 64 << 48;
        QTest::newRow("SIGTERM (kill, shutdown)") << SIGTERM << 64 << 48;
        QTest::newRow("SIGHUP (terminal closed)") << SIGHUP << 64 << 48;
        // The first iterations run at 512 x 384: the result is that image, upsampled.
        QTest::newRow("SIGINT in a coarse-to-fine stage") << SIGINT << 1024 << 768;
    }
    void stopSignalWritesResult() {
        QFETCH(int, signal);
        QFETCH(int, size);
        QFETCH(int, expectedHeight);
        const QString output = path("stopped.png");
        constexpr int iterations = 2000;
        QProcess process;
        start(process,
              withOption(stylizeArguments(output, iterations), "--size", QString::number(size))
                  << "--print-every"
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
        QCOMPARE(::kill(pid_t(process.processId()), signal), 0);

        const CliResult result = finish(process, stderrSoFar);
        QVERIFY2(result.finished && result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 128 + signal, result.describe());
        QVERIFY2(result.err.contains("Interrupted"), result.describe());
        QVERIFY2(QFileInfo(output).isFile(), "no result was written after the signal");
        const int done = std::stoi(pngText(output).at("impasto:iterations"));
        QVERIFY2(done >= 1 && done < iterations, qPrintable(QString::number(done)));
        QCOMPARE(loadPng(output).width(), size);
        QCOMPARE(loadPng(output).height(), expectedHeight);
        QCOMPARE(listing(dir_->path()), (QStringList{"models", "stopped.png"}));
    }

    void sizeTooSmallForTheAspectSaysWhatFits() {
        // --size is the longest side: 16, the smallest size, leaves a 4:3 photo 12 px high.
        const QString output = path("small.png");
        const CliResult result = run(withOption(stylizeArguments(output, 1), "--size", "16"));
        QVERIFY2(result.exitCode == 1, result.describe());
        QVERIFY2(result.err.contains("16 x 12 px, too small for the layers chosen (they need at "
                                     "least 16 px on each side): choose an output size of 21 "
                                     "or more"),
                 result.describe());
        QVERIFY(!QFileInfo::exists(output));
    }

    void nonUtf8FileNamesAreKeptAsBytes() {
        // "café" in Latin-1: not UTF-8, which QProcess would write; a shell passes the bytes.
        const std::string folder = dir_->path().toStdString();
        const std::string content = folder + "/caf\xE9.jpg";
        const std::string output = folder + "/r\xE9sultat.png";
        std::filesystem::copy_file(image("tubingen.jpg").toStdString(), content);
        QProcess process;
        process.setWorkingDirectory(dir_->path());
        process.start("/bin/sh", {"-c",
                                  "exec \"$0\" --content \"$(printf 'caf\\351.jpg')\" "
                                  "--output=\"$(printf 'r\\351sultat.png')\" \"$@\"",
                                  cliPath(), "--style", image("starry_night.jpg"), "--size", "64",
                                  "--iterations", "1", "--model", squeezeNet(), "--device", "cpu"});
        const CliResult result = finish(process);
        const bool written = std::filesystem::is_regular_file(output);
        const auto entries = std::distance(std::filesystem::directory_iterator(folder), {});
        // Qt cannot remove what it cannot name: the test folder is emptied here.
        std::filesystem::remove(content);
        std::filesystem::remove(output);
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY2(written, result.describe());
        QCOMPARE(entries, 3);  // models/, the photo, the result: nothing under a mangled name
    }

    void corruptImageGivesOneLineAndNoDecoderDump() {
        // 8-bit samples declared 64-bit floating point: OpenCV's TIFF decoder fails in readData,
        // and cv::imdecode used to print its exception to std::cerr, lines meant for developers.
        std::vector<uchar> tiff;
        QVERIFY(cv::imencode(".tiff", cv::Mat(64, 64, CV_8UC3, cv::Scalar(10, 200, 90)), tiff));
        auto u16 = [&](size_t at) { return uint16_t(tiff[at] | tiff[at + 1] << 8); };
        auto u32 = [&](size_t at) { return uint32_t(u16(at) | uint32_t(u16(at + 2)) << 16); };
        const size_t directory = u32(4);
        for (size_t entry = directory + 2; entry < directory + 2 + 12 * u16(directory);
             entry += 12) {
            if (u16(entry) == 258 || u16(entry) == 339) {  // BitsPerSample, SampleFormat
                for (size_t value = u32(entry + 8); value < u32(entry + 8) + 6; value += 2) {
                    tiff[value] = u16(entry) == 258 ? 64 : 3;
                }
            }
        }
        const QString content = path("corrupt.tiff");
        QVERIFY(writeFile(content, QByteArray(reinterpret_cast<const char*>(tiff.data()),
                                              qsizetype(tiff.size()))));
        const CliResult result =
            run(withOption(stylizeArguments(path("out.png")), "--content", content));
        QVERIFY2(result.exitCode == 1, result.describe());
        QCOMPARE(result.err.trimmed().split('\n').filter("impasto-cli: error:").size(), 1);
        QVERIFY2(!result.err.contains("OpenCV") && !result.err.contains("imdecode"),
                 result.describe());
        QVERIFY2(result.err.contains("corrupt.tiff is a TIFF of 64-bit floating-point samples"),
                 result.describe());
    }

    // OpenCV's PNG decoder leaves libpng's handlers in place, which printed "libpng warning:
    // iCCP: too short" for this fuzz corpus file (a damaged colour profile, sound pixels).
    void libpngWarningsStayOffTheTerminal() {
        const QString damaged =
            impasto::test::sourceDir() + "/tests/fuzz/corpus/image/libpng-warning-iccp.png";
        QVERIFY(QFileInfo::exists(damaged));
        const QString output = path("out.png");
        const CliResult result = run(withOption(
            withOption(stylizeArguments(output, 1), "--content", damaged), "--style", damaged));
        QVERIFY2(result.succeeded(), result.describe());
        QVERIFY(QFileInfo::exists(output));
        QVERIFY2(result.errLines().filter(QRegularExpression("^libpng")).isEmpty(),
                 result.describe());
    }

    void outOfMemoryAtFullSizeKeepsTheCoarseWork() {
        // SqueezeNet's 512 x 384 stage needs about 150 MiB of tensors in float32, its
        // 1024 x 768 stage about 600 MiB: a 300 MiB limit lets the coarse stage run and stops
        // the full size, the same way on every machine. Tiling off: it would fit the full size
        // into the limit (core/style/TiledEvaluation.h).
        const QString output = path("partial.png");
        const QStringList arguments =
            withOption(withOption(withOption(stylizeArguments(output, 20), "--size", "1024"),
                                  "--precision", "float32"),
                       "--memory-limit", "300M")
            << "--tile"
            << "0";
        const CliResult result = run(arguments);
        QVERIFY2(result.finished && result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 3, result.describe());
        QVERIFY2(result.err.contains("Out of memory at 1024 x 768"), result.describe());
        QVERIFY2(result.err.contains("Wrote a partial result to " + output), result.describe());
        QVERIFY2(QFileInfo(output).isFile(), result.describe());
        QCOMPARE(loadPng(output).width(), 1024);
        QCOMPARE(loadPng(output).height(), 768);
        QCOMPARE(std::stoi(pngText(output).at("impasto:iterations")), 10);  // the coarse stage
        expectChangedFromContent(output);

        // A run that fits the limit is not touched by it.
        const QString fitting = path("fitting.png");
        expectSuccess(withOption(stylizeArguments(fitting, 3), "--memory-limit", "300M"), fitting,
                      64, 48);
    }

    void addressSpaceLimitFailsCleanly() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        QSKIP("The sanitizers reserve terabytes of address space: a limit is meaningless there");
#endif
        // 1.5 GiB of address space and an OpenMP pool of 32 threads (their stacks and malloc
        // arenas take address space too): oneDNN's kernel generator used to die of SIGSEGV when
        // its own allocation failed. Whichever stage runs out, the CLI says so and exits.
        const QString output = path("limited.png");
        QProcess process;
        process.setChildProcessModifier([] {
            const rlimit limit{rlim_t{3} << 29, rlim_t{3} << 29};
            ::setrlimit(RLIMIT_AS, &limit);
        });
        QProcessEnvironment threads;
        threads.insert("OMP_NUM_THREADS", "32");
        start(process,
              withOption(withOption(stylizeArguments(output, 20), "--size", "1024"), "--precision",
                         "float32"),
              threads);
        const CliResult result = finish(process);
        QVERIFY2(result.finished && result.exitStatus == QProcess::NormalExit, result.describe());
        QVERIFY2(result.exitCode == 1 || result.exitCode == 3, result.describe());
        QVERIFY2(result.err.contains("Out of memory") ||
                     result.err.contains("too large for the memory available"),
                 result.describe());
        QVERIFY2(QFileInfo(output).isFile() == (result.exitCode == 3), result.describe());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

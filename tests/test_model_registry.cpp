#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "core/common/Error.h"
#include "core/registry/ModelDownloader.h"
#include "core/registry/ModelFolders.h"
#include "core/registry/ModelRegistry.h"
#include "support/LocalHttpServer.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"

using namespace impasto;
using impasto::test::errorFrom;
using impasto::test::toPath;

namespace {

constexpr qsizetype bodySize = 300 * 1024;

// Deterministic, so that a failure reproduces.
QByteArray pseudoRandomBytes(qsizetype count) {
    QRandomGenerator generator(20240601);
    QByteArray bytes(count, Qt::Uninitialized);
    generator.fillRange(reinterpret_cast<quint32*>(bytes.data()), count / 4);
    return bytes;
}

QByteArray readFile(const std::filesystem::path& file) {
    QFile input(file);
    return input.open(QIODevice::ReadOnly) ? input.readAll() : QByteArray();
}

bool writeFile(const std::filesystem::path& file, const QByteArray& bytes) {
    QFile output(file);
    return output.open(QIODevice::WriteOnly) && output.write(bytes) == bytes.size();
}

// A model whose manifest size and checksum match `body`.
RegisteredModel modelFor(const QByteArray& body) {
    RegisteredModel model;
    model.name = "test";
    model.title = "Test model";
    model.architecture = "squeezenet1_1";
    model.url = "http://127.0.0.1:1/unused";
    model.fileName = "test.caffemodel";
    model.format = "caffemodel";
    model.sizeBytes = body.size();
    model.sha256 = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().toStdString();
    return model;
}

QJsonObject validEntry() {
    return QJsonObject{
        {"name", "test"},
        {"title", "Test model"},
        {"architecture", "squeezenet1_1"},
        {"url", "https://example.org/test.caffemodel"},
        {"fileName", "test.caffemodel"},
        {"format", "caffemodel"},
        {"sizeBytes", 1234},
        {"sha256", ""},
        {"preprocessing", "caffe-bgr:104.006,116.669,122.679"},
        {"layers", QJsonArray{"conv1", "relu1", "fire2"}},
        {"license", "BSD-2-Clause"},
        {"contentLayers", QJsonArray{"fire2"}},
        {"styleLayers", QJsonArray{"relu1", "fire2"}},
    };
}

QByteArray manifestWith(const QJsonArray& entries, int schemaVersion = 1) {
    return QJsonDocument(QJsonObject{{"schemaVersion", schemaVersion}, {"models", entries}})
        .toJson();
}

QByteArray manifestWithEntry(const char* field, const QJsonValue& value) {
    QJsonObject entry = validEntry();
    if (value.isUndefined()) {
        entry.remove(field);
    } else {
        entry[field] = value;
    }
    return manifestWith(QJsonArray{entry});
}

}  // namespace

class TestModelRegistry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void builtInManifestHasTheKnownModels();
    void validManifestLoads();
    void malformedManifestIsRejected_data();
    void malformedManifestIsRejected();
    void missingManifestIsReported();
    void searchPathFollowsEnvironmentThenUserThenBuiltIn();
    void userFolderDefaultsToHome();
    void modelArgumentIsNameOrFile();

    void downloadsWholeFileWithProgress();
    void installsIntoUserFolderByDefault();
    void downloadsFromWorkerThread();
    void resumesInterruptedDownload();
    void restartsWhenServerIgnoresRange();
    void restartsWhenPartialFileIsAlreadyComplete();
    void followsRedirects();
    void httpErrorInstallsNothing();
    void sizeMismatchInstallsNothing();
    void checksumMismatchInstallsNothing();
    void rejectedByValidateInstallsNothing();
    void cancelKeepsPartialFileForResume();
    void stalledTransferTimesOut();
    void installedModelIsCheckedNotDownloadedAgain();
    void checksumIsRecordedAtTheFirstDownloadAndVerifiedAfterwards();
    void registryEnvironmentNamesAnotherManifest();

private:
    std::filesystem::path target() const { return toPath(downloads_->filePath("test.caffemodel")); }
    std::filesystem::path part() const {
        return toPath(downloads_->filePath("test.caffemodel.part"));
    }
    DownloadOptions optionsFor(const QString& url) const {
        DownloadOptions options;
        options.destination = toPath(downloads_->path());
        options.url = url.toStdString();
        return options;
    }

    // The environment this suite changes, restored at the end.
    std::vector<std::pair<const char*, QByteArray>> savedEnvironment_;
    QTemporaryDir dataHome_;
    std::unique_ptr<QTemporaryDir> downloads_;
    const QByteArray body_ = pseudoRandomBytes(bodySize);
};

void TestModelRegistry::initTestCase() {
    QVERIFY(dataHome_.isValid());
    for (const char* name : {"HOME", "XDG_DATA_HOME", "IMPASTO_MODEL_PATH", "IMPASTO_REGISTRY"}) {
        savedEnvironment_.emplace_back(name, qgetenv(name));
    }
}

// Every test starts with the user's folder in a temporary place and no IMPASTO_MODEL_PATH, so
// nothing reads or writes the real ~/.local/share.
void TestModelRegistry::init() {
    qputenv("XDG_DATA_HOME", dataHome_.path().toUtf8());
    qunsetenv("IMPASTO_MODEL_PATH");
    qunsetenv("IMPASTO_REGISTRY");
    downloads_ = std::make_unique<QTemporaryDir>();
    QVERIFY(downloads_->isValid());
}

void TestModelRegistry::cleanup() {
    for (const auto& [name, value] : savedEnvironment_) {
        if (value.isNull()) {
            qunsetenv(name);
        } else {
            qputenv(name, value);
        }
    }
}

void TestModelRegistry::builtInManifestHasTheKnownModels() {
    const ModelRegistry registry = ModelRegistry::loadBuiltIn();
    QCOMPARE(QString::fromStdString(registry.manifestFile().string()),
             test::sourceDir() + "/models/registry.json");
    QCOMPARE(registry.names(),
             (std::vector<std::string>{"vgg19", "vgg16", "vgg19-normalised", "squeezenet1_1"}));

    const RegisteredModel* vgg19 = registry.find("vgg19");
    QVERIFY(vgg19 != nullptr);
    QCOMPARE(vgg19->architecture, "vgg19");
    QCOMPARE(vgg19->fileName, "VGG_ILSVRC_19_layers.caffemodel");
    QCOMPARE(vgg19->sizeBytes, 574671192);
    QCOMPARE(vgg19->preprocessing, "caffe-bgr:103.939,116.779,123.68");
    QCOMPARE(vgg19->layers.size(), 16u);
    QCOMPARE(vgg19->layers.front(), "relu1_1");
    QCOMPARE(vgg19->layers.back(), "relu5_4");
    QCOMPARE(vgg19->contentLayers, std::vector<std::string>{"relu4_2"});

    QCOMPARE(registry.find("vgg16")->sizeBytes, 553432081);
    QCOMPARE(registry.find("vgg16")->layers.size(), 13u);
    QCOMPARE(registry.find("vgg19-normalised")->architecture, "vgg19");
    QCOMPARE(registry.find("vgg19-normalised")->preprocessing, vgg19->preprocessing);

    const RegisteredModel* squeezenet = registry.find("squeezenet1_1");
    QVERIFY(squeezenet != nullptr);
    QCOMPARE(squeezenet->preprocessing, "caffe-bgr:104.006,116.669,122.679");
    QCOMPARE(squeezenet->contentLayers, std::vector<std::string>{"fire6"});
    QCOMPARE(squeezenet->styleLayers,
             (std::vector<std::string>{"relu1", "fire2", "fire3", "fire5", "fire7"}));

    QVERIFY(registry.find("resnet50") == nullptr);
}

void TestModelRegistry::validManifestLoads() {
    const auto manifest = toPath(downloads_->filePath("registry.json"));
    QVERIFY(writeFile(manifest, manifestWith(QJsonArray{validEntry()})));
    const ModelRegistry registry = ModelRegistry::load(manifest);
    QCOMPARE(registry.models().size(), 1u);
    const RegisteredModel& model = registry.models().front();
    QCOMPARE(model.name, "test");
    QCOMPARE(model.sizeBytes, 1234);
    QCOMPARE(model.sha256, "");
    QCOMPARE(model.styleLayers, (std::vector<std::string>{"relu1", "fire2"}));
}

void TestModelRegistry::malformedManifestIsRejected_data() {
    QTest::addColumn<QByteArray>("manifest");
    QTest::addColumn<QString>("expected");

    QJsonObject other = validEntry();
    other["fileName"] = "other.caffemodel";

    QTest::newRow("not JSON") << QByteArray("{\"schemaVersion\": 1,\n \"models\": [")
                              << "is not valid JSON";
    QTest::newRow("not an object") << QByteArray("[1, 2]") << "must hold a JSON object";
    QTest::newRow("other schema") << manifestWith(QJsonArray{validEntry()}, 2)
                                  << "\"schemaVersion\" must be 1";
    QTest::newRow("entry not an object")
        << manifestWith(QJsonArray{42}) << "entry 1 must be a JSON object";
    QTest::newRow("missing name") << manifestWithEntry("name", QJsonValue::Undefined)
                                  << "entry 1: \"name\" is missing";
    QTest::newRow("missing field")
        << manifestWithEntry("url", QJsonValue::Undefined) << "entry \"test\": \"url\" is missing";
    QTest::newRow("wrong type") << manifestWithEntry("sizeBytes", "big")
                                << "entry \"test\": \"sizeBytes\" must be a whole number";
    QTest::newRow("fractional size")
        << manifestWithEntry("sizeBytes", 1.5) << "\"sizeBytes\" must be a whole number";
    QTest::newRow("unknown field") << manifestWithEntry("contentLayer", QJsonArray{"fire2"})
                                   << "\"contentLayer\" is not a known field";
    QTest::newRow("unknown architecture")
        << manifestWithEntry("architecture", "resnet50")
        << "\"architecture\" is \"resnet50\"; expected one of vgg19, vgg16, squeezenet1_1";
    QTest::newRow("unknown format")
        << manifestWithEntry("format", "onnx") << "\"format\" is \"onnx\"";
    QTest::newRow("not a URL") << manifestWithEntry("url", "ftp://example.org/x")
                               << "\"url\" must be an http or https URL";
    QTest::newRow("file name with folder") << manifestWithEntry("fileName", "../escape.caffemodel")
                                           << "\"fileName\" must be a bare file name";
    QTest::newRow("bad checksum") << manifestWithEntry("sha256", "abc")
                                  << "\"sha256\" must be 64 lowercase hexadecimal digits";
    QTest::newRow("empty layers") << manifestWithEntry("layers", QJsonArray{})
                                  << "\"layers\" must be a non-empty list";
    QTest::newRow("layer not a string") << manifestWithEntry("layers", QJsonArray{"conv1", 7})
                                        << "\"layers\" must contain only non-empty strings";
    QTest::newRow("style layer not provided")
        << manifestWithEntry("styleLayers", QJsonArray{"relu9_9"})
        << "\"styleLayers\" names \"relu9_9\", which is not among \"layers\"";
    QTest::newRow("duplicate name")
        << manifestWith(QJsonArray{validEntry(), other}) << "two entries are named \"test\"";
}

void TestModelRegistry::malformedManifestIsRejected() {
    QFETCH(QByteArray, manifest);
    QFETCH(QString, expected);
    const auto file = toPath(downloads_->filePath("registry.json"));
    QVERIFY(writeFile(file, manifest));

    const QString message = errorFrom([&] { ModelRegistry::load(file); });
    QVERIFY2(message.startsWith("Model manifest " + downloads_->filePath("registry.json")),
             qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY(!message.contains('\n'));
}

void TestModelRegistry::missingManifestIsReported() {
    const auto file = toPath(downloads_->filePath("absent.json"));
    const QString message = errorFrom([&] { ModelRegistry::load(file); });
    QVERIFY2(
        message.startsWith("Cannot read model manifest " + downloads_->filePath("absent.json")),
        qPrintable(message));
}

void TestModelRegistry::searchPathFollowsEnvironmentThenUserThenBuiltIn() {
    // A copy of the real manifest in a folder of its own stands for the built-in folder.
    QDir root(downloads_->path());
    for (const char* folder : {"first", "second", "builtin"}) {
        QVERIFY(root.mkdir(folder));
    }
    QVERIFY(QFile::copy(test::sourceDir() + "/models/registry.json",
                        root.filePath("builtin/registry.json")));
    const auto first = toPath(root.filePath("first"));
    const auto second = toPath(root.filePath("second"));
    const auto builtIn = toPath(root.filePath("builtin"));
    const auto user = toPath(dataHome_.path()) / "impasto" / "models";
    qputenv("IMPASTO_MODEL_PATH",
            (":" + root.filePath("first") + "::" + root.filePath("second") + ":").toUtf8());

    const ModelRegistry registry = ModelRegistry::load(builtIn / "registry.json");
    QVERIFY(registry.searchPath() ==
            (std::vector<std::filesystem::path>{first, second, user, builtIn}));

    const RegisteredModel& model = *registry.find("squeezenet1_1");
    QVERIFY(!registry.locate(model));
    std::filesystem::create_directories(user);
    for (const auto& folder : {builtIn, user, second, first}) {
        QVERIFY(writeFile(folder / model.fileName, "weights"));
        QVERIFY(registry.locate(model) == folder / model.fileName);
    }
    for (const auto& folder : {first, second, user}) {
        std::filesystem::remove(folder / model.fileName);
    }
    QVERIFY(registry.locate(model) == builtIn / model.fileName);
}

void TestModelRegistry::userFolderDefaultsToHome() {
    QCOMPARE(userModelsFolder(), toPath(dataHome_.path()) / "impasto" / "models");

    qputenv("HOME", downloads_->path().toUtf8());
    const auto fromHome = toPath(downloads_->path()) / ".local" / "share" / "impasto" / "models";
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(userModelsFolder(), fromHome);
    // The XDG specification says to ignore an empty or relative XDG_DATA_HOME.
    qputenv("XDG_DATA_HOME", "");
    QCOMPARE(userModelsFolder(), fromHome);
    qputenv("XDG_DATA_HOME", "relative/data");
    QCOMPARE(userModelsFolder(), fromHome);
}

void TestModelRegistry::modelArgumentIsNameOrFile() {
    const ModelRegistry registry = ModelRegistry::loadBuiltIn();

    const auto byName = registry.resolveModelArgument("squeezenet1_1");
    QVERIFY(std::holds_alternative<RegisteredModel>(byName));
    QCOMPARE(std::get<RegisteredModel>(byName).name, "squeezenet1_1");

    const std::string weights =
        test::sharedWeights("squeezenet1_1-features.safetensors").toStdString();
    const auto byPath = registry.resolveModelArgument(weights);
    QVERIFY(std::holds_alternative<std::filesystem::path>(byPath));
    QCOMPARE(std::get<std::filesystem::path>(byPath), weights);

    QCOMPARE(errorFrom([&] { registry.resolveModelArgument("vgg91"); }),
             "Unknown model \"vgg91\": not a registered model (vgg19, vgg16, vgg19-normalised, "
             "squeezenet1_1) and not a file");
    // A path that exists but is no file is named as what it is, not as an unknown model.
    QCOMPARE(errorFrom([&] { registry.resolveModelArgument(downloads_->path().toStdString()); }),
             downloads_->path() + " is a folder, not a file");
    QVERIFY(errorFrom([&] { registry.resolveModelArgument(""); }).startsWith("Unknown model"));

    QCOMPARE(registry.get("vgg16").name, "vgg16");
    QCOMPARE(errorFrom([&] { registry.get("vgg91"); }),
             "Unknown model \"vgg91\": not a registered model (vgg19, vgg16, vgg19-normalised, "
             "squeezenet1_1)");
}

void TestModelRegistry::downloadsWholeFileWithProgress() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    DownloadOptions options = optionsFor(server.url("/model"));
    std::vector<std::pair<int64_t, int64_t>> reports;
    options.progress = [&](int64_t received, int64_t total) {
        reports.emplace_back(received, total);
    };

    QCOMPARE(downloadModel(modelFor(body_), options), target());
    QCOMPARE(readFile(target()), body_);
    QVERIFY(!std::filesystem::exists(part()));
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests()[0].range, QByteArray());
    QVERIFY(!reports.empty());
    QCOMPARE(reports.back(), (std::pair<int64_t, int64_t>(bodySize, bodySize)));
    for (size_t i = 1; i < reports.size(); ++i) {
        QVERIFY(reports[i].first > reports[i - 1].first);
    }
}

void TestModelRegistry::installsIntoUserFolderByDefault() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    DownloadOptions options;
    options.url = server.url("/model").toStdString();

    const auto installed = toPath(dataHome_.path()) / "impasto" / "models" / "test.caffemodel";
    QCOMPARE(downloadModel(modelFor(body_), options), installed);
    QCOMPARE(readFile(installed), body_);
    std::filesystem::remove(installed);
}

// The GUI downloads from a worker thread while the main thread goes on serving events (here:
// the test server's).
void TestModelRegistry::downloadsFromWorkerThread() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    const DownloadOptions options = optionsFor(server.url("/model"));
    std::filesystem::path installed;
    QString failure;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        failure = errorFrom([&] { installed = downloadModel(modelFor(body_), options); });
    }));
    worker->start();
    QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), 10000);
    QCOMPARE(failure, QString());
    QCOMPARE(installed, target());
    QCOMPARE(readFile(target()), body_);
}

void TestModelRegistry::resumesInterruptedDownload() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    server.dropNextResponseAfter(100 * 1024);
    const RegisteredModel model = modelFor(body_);

    const QString message =
        errorFrom([&] { downloadModel(model, optionsFor(server.url("/model"))); });
    QVERIFY2(message.contains("run it again to resume"), qPrintable(message));
    QVERIFY(!std::filesystem::exists(target()));
    const QByteArray partial = readFile(part());
    QVERIFY(partial.size() > 0 && partial.size() <= 100 * 1024);
    QCOMPARE(partial, body_.left(partial.size()));

    DownloadOptions options = optionsFor(server.url("/model"));
    int64_t firstReport = -1;
    options.progress = [&](int64_t received, int64_t) {
        if (firstReport < 0) {
            firstReport = received;
        }
    };
    QCOMPARE(downloadModel(model, options), target());
    // Qt itself sometimes repeats the dropped request before giving up; only ours resumes.
    const QList<test::LocalHttpServer::Request> requests = server.requests();
    QCOMPARE(requests.last().range, "bytes=" + QByteArray::number(partial.size()) + "-");
    for (qsizetype i = 0; i + 1 < requests.size(); ++i) {
        QCOMPARE(requests[i].range, QByteArray());
    }
    QVERIFY(firstReport > partial.size());
    QCOMPARE(readFile(target()), body_);
    QVERIFY(!std::filesystem::exists(part()));
}

void TestModelRegistry::restartsWhenServerIgnoresRange() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    server.setIgnoreRange(true);
    QVERIFY(writeFile(part(), QByteArray(1000, 'x')));

    QCOMPARE(downloadModel(modelFor(body_), optionsFor(server.url("/model"))), target());
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(server.requests()[0].range, "bytes=1000-");
    QCOMPARE(readFile(target()), body_);
}

void TestModelRegistry::restartsWhenPartialFileIsAlreadyComplete() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    QVERIFY(writeFile(part(), body_));

    QCOMPARE(downloadModel(modelFor(body_), optionsFor(server.url("/model"))), target());
    QCOMPARE(server.requests().size(), 2);  // 416 Range Not Satisfiable, then the whole file
    QCOMPARE(server.requests()[0].range, "bytes=" + QByteArray::number(bodySize) + "-");
    QCOMPARE(server.requests()[1].range, QByteArray());
    QCOMPARE(readFile(target()), body_);
}

void TestModelRegistry::followsRedirects() {
    test::LocalHttpServer server;
    server.serve("/files/model", body_);
    server.redirect("/model", "/files/model");

    QCOMPARE(downloadModel(modelFor(body_), optionsFor(server.url("/model"))), target());
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(readFile(target()), body_);
}

void TestModelRegistry::httpErrorInstallsNothing() {
    test::LocalHttpServer server;
    const QString url = server.url("/missing");

    const QString message = errorFrom([&] { downloadModel(modelFor(body_), optionsFor(url)); });
    QVERIFY2(message.contains("HTTP 404") && message.contains(url), qPrintable(message));
    QVERIFY(!std::filesystem::exists(target()));
    QVERIFY(!std::filesystem::exists(part()));
}

void TestModelRegistry::sizeMismatchInstallsNothing() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    RegisteredModel model = modelFor(body_);
    model.sizeBytes = bodySize + 1;
    model.sha256.clear();

    const QString message =
        errorFrom([&] { downloadModel(model, optionsFor(server.url("/model"))); });
    QVERIFY2(message.contains(QString("is %1 bytes instead of %2").arg(bodySize).arg(bodySize + 1)),
             qPrintable(message));
    QVERIFY(!std::filesystem::exists(target()));
    QVERIFY(!std::filesystem::exists(part()));
}

void TestModelRegistry::checksumMismatchInstallsNothing() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    RegisteredModel model = modelFor(body_);
    model.sha256 = std::string(64, '0');

    const QString message =
        errorFrom([&] { downloadModel(model, optionsFor(server.url("/model"))); });
    QVERIFY2(message.contains("SHA-256"), qPrintable(message));
    QVERIFY(!std::filesystem::exists(target()));
    QVERIFY(!std::filesystem::exists(part()));
}

void TestModelRegistry::rejectedByValidateInstallsNothing() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    DownloadOptions options = optionsFor(server.url("/model"));
    qint64 validatedSize = -1;
    options.validate = [&](const std::filesystem::path& file) {
        validatedSize = readFile(file).size();
        throw Error("Not a Caffe model");
    };

    QCOMPARE(errorFrom([&] { downloadModel(modelFor(body_), options); }), "Not a Caffe model");
    QCOMPARE(validatedSize, bodySize);
    QVERIFY(!std::filesystem::exists(target()));
    QVERIFY(!std::filesystem::exists(part()));
}

void TestModelRegistry::cancelKeepsPartialFileForResume() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    server.stallNextResponseAfter(100 * 1024);
    DownloadOptions options = optionsFor(server.url("/model"));
    int64_t received = 0;
    options.progress = [&](int64_t bytes, int64_t) { received = bytes; };
    options.cancelled = [&] { return received >= 100 * 1024; };

    QCOMPARE(errorFrom([&] { downloadModel(modelFor(body_), options); }), "Download cancelled");
    QVERIFY(!std::filesystem::exists(target()));
    QCOMPARE(readFile(part()), body_.left(100 * 1024));

    QCOMPARE(downloadModel(modelFor(body_), optionsFor(server.url("/model"))), target());
    QCOMPARE(server.requests().last().range, "bytes=102400-");
    QCOMPARE(readFile(target()), body_);
}

void TestModelRegistry::stalledTransferTimesOut() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    server.stallNextResponseAfter(1000);
    DownloadOptions options = optionsFor(server.url("/model"));
    options.stallTimeout = std::chrono::milliseconds(300);

    const QString message = errorFrom([&] { downloadModel(modelFor(body_), options); });
    QVERIFY2(message.contains("stalled: no data for 300 ms"), qPrintable(message));
    QVERIFY(!std::filesystem::exists(target()));
    QVERIFY(body_.startsWith(readFile(part())));  // what arrived is kept for resuming
}

// A model already installed is checked against the manifest's SHA-256 and kept, without a
// request; a damaged one is downloaded again.
void TestModelRegistry::installedModelIsCheckedNotDownloadedAgain() {
    test::LocalHttpServer server;
    server.serve("/model", body_);
    DownloadOptions options = optionsFor(server.url("/model"));
    std::vector<std::string> notices;
    options.notice = [&](const std::string& sentence) { notices.push_back(sentence); };

    QCOMPARE(downloadModel(modelFor(body_), options), target());
    QCOMPARE(server.requests().size(), 1);
    QCOMPARE(downloadModel(modelFor(body_), options), target());
    QCOMPARE(server.requests().size(), 1);
    QVERIFY(!notices.empty());
    QVERIFY2(
        QString::fromStdString(notices.back()).contains("SHA-256 checks out: nothing to download"),
        notices.back().c_str());

    QByteArray damaged = body_;
    damaged[1000] = static_cast<char>(damaged[1000] ^ 0x20);
    QVERIFY(writeFile(target(), damaged));
    QCOMPARE(downloadModel(modelFor(body_), options), target());
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(readFile(target()), body_);
    QVERIFY2(QString::fromStdString(notices.back()).contains("is damaged"), notices.back().c_str());
}

// An entry without a SHA-256 has the first download's recorded beside the file (as sha256sum
// writes it); later downloads and the installed copy are checked against it.
void TestModelRegistry::checksumIsRecordedAtTheFirstDownloadAndVerifiedAfterwards() {
    RegisteredModel model = modelFor(body_);
    const std::string sha256 = model.sha256;
    model.sha256.clear();
    model.sizeBytes = 0;
    test::LocalHttpServer server;
    server.serve("/model", body_);
    const DownloadOptions options = optionsFor(server.url("/model"));

    QCOMPARE(downloadModel(model, options), target());
    const auto record = recordedChecksumFile(target());
    QCOMPARE(readFile(record), QByteArray::fromStdString(sha256 + "  test.caffemodel\n"));

    // The installed copy, damaged, is judged by the record and fetched again.
    QVERIFY(writeFile(target(), body_.left(1000)));
    QCOMPARE(downloadModel(model, options), target());
    QCOMPARE(server.requests().size(), 2);
    QCOMPARE(readFile(target()), body_);

    // The server now sends other bytes: refused against the record, nothing installed.
    std::filesystem::remove(target());
    server.serve("/model", pseudoRandomBytes(1000));
    const QString message = errorFrom([&] { downloadModel(model, options); });
    QVERIFY2(message.contains("instead of " + QString::fromStdString(sha256)), qPrintable(message));
    QVERIFY2(message.contains(QString::fromStdString(record.string())), qPrintable(message));
    QVERIFY(!std::filesystem::exists(target()));
}

void TestModelRegistry::registryEnvironmentNamesAnotherManifest() {
    const auto manifest = toPath(downloads_->filePath("mirror.json"));
    QJsonObject entry = validEntry();
    entry["name"] = "mirrored";
    QVERIFY(writeFile(manifest, manifestWith(QJsonArray{entry})));
    qputenv("IMPASTO_REGISTRY", QByteArray::fromStdString(manifest.string()));
    const ModelRegistry registry = ModelRegistry::loadBuiltIn();
    QCOMPARE(registry.manifestFile(), manifest);
    QCOMPARE(registry.names(), std::vector<std::string>{"mirrored"});
}

QTEST_GUILESS_MAIN(TestModelRegistry)
#include "test_model_registry.moc"

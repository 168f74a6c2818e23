// The autosave store: a save comes back whole, a damaged or half-written save is never offered
// and never crashes, and discard forgets it.
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include <opencv2/core.hpp>

#include "core/image/ImageMat.h"
#include "core/recovery/RecoveryStore.h"
#include "support/FileSizeLimit.h"
#include "support/TestFiles.h"

using impasto::Image;
using impasto::imageFromMats;
using impasto::RecoveredRun;
using impasto::RecoveryStore;
using impasto::StyleSettings;
using namespace impasto::test;

namespace {

Image randomImage(int width, int height, bool withAlpha) {
    cv::Mat rgb(height, width, CV_32FC3);
    cv::randu(rgb, 0.0f, 1.0f);
    if (!withAlpha) {
        return imageFromMats(rgb);
    }
    // As the engine holds it: colour composited over white.
    cv::Mat alpha(height, width, CV_32FC1);
    cv::randu(alpha, 0.2f, 1.0f);
    cv::Mat alpha3;
    cv::merge(std::vector<cv::Mat>(3, alpha), alpha3);
    return imageFromMats(rgb.mul(alpha3) + (cv::Scalar::all(1.0) - alpha3), alpha);
}

StyleSettings changedSettings() {
    StyleSettings settings;
    settings.outputSize = 320;
    settings.styleWeight = 1234.5;
    settings.styleLayers = {{"fire2", 0.5}, {"fire5", 2.0}};
    settings.styleBlend = {2.0, 1.0};
    settings.pooling = impasto::PoolingMode::Average;
    settings.seed = 99;
    return settings;
}

// Largest difference of two images' colour samples.
double largestDifference(const cv::Mat& a, const cv::Mat& b) {
    return cv::norm(a, b, cv::NORM_INF);
}

void writeText(const std::filesystem::path& file, const std::string& text) {
    writeBytes(file, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::string readText(const std::filesystem::path& file) {
    const Bytes bytes = readBytes(file);
    return std::string(bytes.begin(), bytes.end());
}

void restoreVariable(const char* name, const QByteArray& value) {
    if (value.isNull()) {
        qunsetenv(name);
    } else {
        qputenv(name, value);
    }
}

}  // namespace

class TestRecoveryStore : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::filesystem::path folder() const { return toPath(dir_->path()) / "recovery"; }

    // Saves the standard run (iteration 42) into folder() and returns the image saved.
    Image saveStandardRun(RecoveryStore& store, int iteration = 42) const {
        const Image image = randomImage(40, 30, false);
        store.save(image, changedSettings(), "/photos/tübingen.jpg",
                   {"/art/starry night.jpg", "/art/scream.jpg"}, iteration);
        return image;
    }

private Q_SLOTS:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
    }

    void cleanup() { dir_.reset(); }

    void savedRunComesBackWhole() {
        RecoveryStore store(folder());
        const auto before = std::chrono::system_clock::now() - std::chrono::seconds(1);
        const Image image = saveStandardRun(store);
        const std::optional<RecoveredRun> run = RecoveryStore(folder()).load();
        QVERIFY(run.has_value());
        QCOMPARE(run->iteration, 42);
        QVERIFY(run->settings == changedSettings());
        QCOMPARE(run->contentFile, std::filesystem::path("/photos/tübingen.jpg"));
        QCOMPARE(run->styleFiles.size(), size_t(2));
        QCOMPARE(run->styleFiles[1], std::filesystem::path("/art/scream.jpg"));
        QVERIFY(run->savedAt >= before && run->savedAt <= std::chrono::system_clock::now());
        QCOMPARE(run->image.width(), 40);
        QCOMPARE(run->image.height(), 30);
        // 16-bit PNG: within half a step of 1/65535.
        QVERIFY(largestDifference(rgbView(run->image), rgbView(image)) < 1.0 / 65535);
        QVERIFY(alphaView(run->image).empty());
    }

    void keepsAlphaAndTextureSynthesis() {
        RecoveryStore store(folder());
        const Image image = randomImage(16, 16, true);
        store.save(image, {}, {}, {"/art/style.png"}, 0);
        const std::optional<RecoveredRun> run = store.load();
        QVERIFY(run.has_value());
        QVERIFY(run->contentFile.empty());
        QVERIFY(!alphaView(run->image).empty());
        QVERIFY(largestDifference(alphaView(run->image), alphaView(image)) < 1.0 / 65535);
        // Colour goes through un-compositing from white and back.
        QVERIFY(largestDifference(rgbView(run->image), rgbView(image)) < 1e-3);
    }

    void laterSaveReplacesEarlier() {
        RecoveryStore store(folder());
        saveStandardRun(store, 1);
        saveStandardRun(store, 2);
        const Image third = saveStandardRun(store, 3);
        const std::optional<RecoveredRun> run = store.load();
        QVERIFY(run.has_value());
        QCOMPARE(run->iteration, 3);
        QVERIFY(largestDifference(rgbView(run->image), rgbView(third)) < 1.0 / 65535);
        // Two image slots and the manifest, nothing left over.
        QCOMPARE(filesIn(folder()),
                 (std::vector<std::string>{"image-a.png", "image-b.png", "manifest.json"}));
    }

    void halfWrittenSaveIsNeverOffered() {
        // A save interrupted while writing its image leaves a broken file in the slot the
        // manifest does not name, also for a store opened after a restart.
        saveStandardRun(*std::make_unique<RecoveryStore>(folder()), 7);
        const std::string named =
            readText(folder() / "manifest.json").find("image-a.png") != std::string::npos
                ? "image-a.png"
                : "image-b.png";
        const std::string other = named == "image-a.png" ? "image-b.png" : "image-a.png";
        writeText(folder() / other, "\x89PNG\r\n\x1a\n half");
        std::optional<RecoveredRun> run = RecoveryStore(folder()).load();
        QVERIFY(run.has_value());
        QCOMPARE(run->iteration, 7);

        // The next store writes the other slot, never the one the manifest names.
        RecoveryStore restarted(folder());
        saveStandardRun(restarted, 8);
        QVERIFY(readText(folder() / "manifest.json").find(other) != std::string::npos);
        run = restarted.load();
        QVERIFY(run.has_value());
        QCOMPARE(run->iteration, 8);
    }

    void nothingSavedGivesNothing() {
        QVERIFY(!RecoveryStore(folder()).load());
        std::filesystem::create_directories(folder());
        QVERIFY(!RecoveryStore(folder()).load());
    }

    void damagedSaveGivesNothing_data() {
        QTest::addColumn<QString>("damage");
        QTest::newRow("manifest truncated") << "truncate manifest";
        QTest::newRow("manifest empty") << "empty manifest";
        QTest::newRow("manifest not JSON") << "manifest=not json at all";
        QTest::newRow("other format") << "replace impasto-recovery-1=impasto-recovery-9";
        QTest::newRow("image outside the folder") << "replace image-a.png=../../etc/passwd";
        QTest::newRow("negative iteration") << "replace \"iteration\":42=\"iteration\":-1";
        QTest::newRow("iteration too large") << "replace \"iteration\":42=\"iteration\":1e99";
        // system_clock counts nanoseconds: from the year 2262 on, seconds overflow it.
        QTest::newRow("saved after 2262") << "savedAt=9300000000";
        QTest::newRow("saved at the largest int64") << "savedAt=9223372036854775807";
        QTest::newRow("saved before 1970") << "savedAt=-1";
        QTest::newRow("unknown setting") << "replace outputSize=outputSise";
        QTest::newRow("style not a string") << "replace \"/art/scream.jpg\"=5";
        QTest::newRow("image missing") << "delete image";
        QTest::newRow("image truncated") << "truncate image";
        QTest::newRow("image is text") << "image=hello";
        // A pipe without a writer would block the start of the app forever.
        QTest::newRow("image is a named pipe") << "pipe image";
        QTest::newRow("manifest is a named pipe") << "pipe manifest";
    }

    void damagedSaveGivesNothing() {
        QFETCH(QString, damage);
        RecoveryStore store(folder());
        saveStandardRun(store);
        const std::filesystem::path manifest = folder() / "manifest.json";
        const std::filesystem::path image = folder() / "image-a.png";
        const std::string text = readText(manifest);
        const std::string action = damage.toStdString();
        if (action == "truncate manifest") {
            writeText(manifest, text.substr(0, text.size() / 2));
        } else if (action == "empty manifest") {
            writeText(manifest, "");
        } else if (action.starts_with("manifest=")) {
            writeText(manifest, action.substr(9));
        } else if (action.starts_with("replace ")) {
            const size_t equals = action.find('=', 8);
            const std::string from = action.substr(8, equals - 8);
            const size_t at = text.find(from);
            QVERIFY2(at != std::string::npos, from.c_str());
            writeText(manifest, text.substr(0, at) + action.substr(equals + 1) +
                                    text.substr(at + from.size()));
        } else if (action.starts_with("savedAt=")) {
            writeText(manifest, std::regex_replace(text, std::regex("\"savedAt\":[0-9]+"),
                                                   "\"savedAt\":" + action.substr(8)));
        } else if (action == "delete image") {
            std::filesystem::remove(image);
        } else if (action == "truncate image") {
            const Bytes bytes = readBytes(image);
            writeBytes(image, std::span(bytes.data(), bytes.size() / 2));
        } else if (action == "image=hello") {
            writeText(image, "hello");
        } else if (action.starts_with("pipe ")) {
            const std::filesystem::path file = action == "pipe image" ? image : manifest;
            std::filesystem::remove(file);
            QCOMPARE(::mkfifo(file.c_str(), 0600), 0);
        }
        QVERIFY(!store.load());
    }

    void discardForgetsTheRun() {
        RecoveryStore store(folder());
        saveStandardRun(store);
        saveStandardRun(store);
        store.discard();
        QVERIFY(!store.load());
        QCOMPARE(filesIn(folder()), std::vector<std::string>{});
        store.discard();  // nothing there: still fine
    }

    void failedSaveKeepsTheLastSave() {
        // A full disk, as RLIMIT_FSIZE gives it: writes past 4 KiB fail with EFBIG.
        RecoveryStore store(folder());
        saveStandardRun(store, 5);
        QString message;
        {
            const FileSizeLimit limit(4096);
            QVERIFY(limit.active());
            message = errorFrom([&] { saveStandardRun(store, 6); });
        }
        QVERIFY2(message.contains("too large"), qPrintable(message));
        std::optional<RecoveredRun> run = store.load();
        QVERIFY(run.has_value());
        QCOMPARE(run->iteration, 5);
        // The store carries on once there is room again.
        saveStandardRun(store, 7);
        run = store.load();
        QVERIFY(run.has_value());
        QCOMPARE(run->iteration, 7);
    }

    void unusableFolderThrows() {
        const std::filesystem::path file = toPath(dir_->path()) / "file";
        writeText(file, "a file, not a folder");
        RecoveryStore store(file / "recovery");
        const QString message = errorFrom([&] { saveStandardRun(store); });
        QVERIFY2(message.contains("autosave folder"), qPrintable(message));
        QVERIFY(!store.load());
    }

    void defaultFolderFollowsXdgStateHome() {
        const QByteArray previousState = qgetenv("XDG_STATE_HOME");
        const QByteArray previousHome = qgetenv("HOME");
        qputenv("XDG_STATE_HOME", "/state");
        QCOMPARE(RecoveryStore::defaultFolder(), std::filesystem::path("/state/impasto/recovery"));
        qputenv("XDG_STATE_HOME", "relative/state");  // ignored, as the specification says
        qputenv("HOME", "/home/artist");
        QCOMPARE(RecoveryStore::defaultFolder(),
                 std::filesystem::path("/home/artist/.local/state/impasto/recovery"));
        restoreVariable("XDG_STATE_HOME", previousState);
        restoreVariable("HOME", previousHome);
    }
};

QTEST_APPLESS_MAIN(TestRecoveryStore)
#include "test_recovery_store.moc"

// Crash recovery as the worker uses it, on a temporary folder: an autosave is offered to the next
// instance with a description and a thumbnail, restored once, or discarded; an export drops it;
// a failing autosave is reported once per run of failures.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/image/EmbeddedMasks.h"
#include "core/image/PngExport.h"
#include "core/settings/SettingsJson.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"
#include "ui/session/RecoveryCoordinator.h"
#include "ui/session/SnapshotArchive.h"

using impasto::Image;
using impasto::StyleSettings;
using impasto::ui::RecoveryCoordinator;

namespace {

Image greyImage(int width, int height) {
    Image image(width, height);
    image.rgb.assign(image.pixelCount() * 3, 0.5f);
    return image;
}

std::shared_ptr<const impasto::MaskSet> halfMasks(bool left) {
    impasto::Mask mask(64, 48, 0.0f);
    for (int y = 0; y < 48; ++y) {
        std::fill_n(mask.values.begin() + y * 64 + (left ? 0 : 32), 32, 1.0f);
    }
    return std::make_shared<const impasto::MaskSet>(impasto::MaskSet{{mask}, {}, {}});
}

void writeBytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::filesystem::path onlyMasksFile(const std::filesystem::path& folder) {
    std::filesystem::path found;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().filename().string().starts_with("masks-")) {
            found = entry.path();
        }
    }
    return found;
}

StyleSettings settingsWithStyleWeight(double weight) {
    StyleSettings settings;
    settings.styleWeight = weight;
    return settings;
}

}  // namespace

class TestSessionRecoveryCoordinator : public QObject {
    Q_OBJECT

private:
    std::filesystem::path folder() const { return impasto::test::toPath(dir_.path()) / "recovery"; }

    QTemporaryDir dir_;

private Q_SLOTS:
    void init() { std::filesystem::remove_all(folder()); }

    void nothingSavedOffersNothing() {
        RecoveryCoordinator recovery(folder());
        QVERIFY(!recovery.offer(64));
        QVERIFY(!recovery.restore());
    }

    void anAutosaveIsOfferedToTheNextInstanceAndRestoredOnce() {
        {
            RecoveryCoordinator recovery(folder());
            recovery.setContentFile(impasto::test::sharedImage("tubingen.jpg"));
            recovery.addStyleFile("/paintings/first.jpg");
            recovery.addStyleFile("/paintings/second.jpg");
            recovery.removeStyleFile(0);
            QVERIFY(recovery.autosaveDue(false));
            QVERIFY(
                !recovery.autosave(greyImage(120, 60), settingsWithStyleWeight(321.0), 7, false));
        }
        RecoveryCoordinator recovery(folder());
        const auto offer = recovery.offer(40);
        QVERIFY(offer);
        QVERIFY2(offer->description.contains("iteration 7"), qPrintable(offer->description));
        QVERIFY2(offer->description.contains("tubingen.jpg"), qPrintable(offer->description));
        QCOMPARE(offer->thumbnail.width(), 40);
        QCOMPARE(offer->thumbnail.height(), 20);

        const auto run = recovery.restore();
        QVERIFY(run);
        QCOMPARE(run->iteration, 7);
        QCOMPARE(run->image.width(), 120);
        QCOMPARE(run->settings.styleWeight, 321.0);
        QCOMPARE(run->styleFiles, std::vector<std::filesystem::path>{"/paintings/second.jpg"});
        QVERIFY(!recovery.restore());  // once
    }

    // The snapshot history keeps each snapshot's masks and starting image, so that one exported
    // after a restore still embeds its own.
    void theHistoryKeepsEachSnapshotsMasksAndStart() {
        impasto::Mask left(8, 6, 0.0f);
        std::fill_n(left.values.begin(), 4, 1.0f);
        impasto::ui::Snapshot snapshot{greyImage(16, 12), 40, settingsWithStyleWeight(7.0), 2};
        snapshot.masks =
            std::make_shared<const impasto::MaskSet>(impasto::MaskSet{{left}, std::nullopt, {}});
        snapshot.start = impasto::ui::StartFile{"/pictures/start.png", false};
        impasto::ui::SnapshotArchive archive(folder());
        archive.keep(1, snapshot);
        const std::vector<impasto::ui::Snapshot> loaded = archive.load();
        QCOMPARE(loaded.size(), size_t(1));
        QCOMPARE(loaded[0].iteration, 40);
        QVERIFY(loaded[0].masks);
        QVERIFY(*loaded[0].masks == *snapshot.masks);
        QVERIFY(loaded[0].start == snapshot.start);
    }

    // Snapshots kept with masks of one content share one masks file, encoded once (the second
    // keep costs no encoding), and come back sharing one copy.
    void snapshotsOfOneMaskSetShareOneFile() {
        impasto::Mask left(1024, 768, 0.0f);
        for (int y = 0; y < 768; ++y) {
            std::fill_n(left.values.begin() + y * 1024, 400 + y / 3, 1.0f);
        }
        impasto::Mask top(1024, 768, 0.0f);
        std::fill_n(top.values.begin(), 1024 * 300, 1.0f);
        const auto masksOf = [](const impasto::Mask& mask) {
            return std::make_shared<const impasto::MaskSet>(
                impasto::MaskSet{{mask}, mask, {std::nullopt, mask}});
        };
        impasto::ui::SnapshotArchive archive(folder());
        const auto keep = [&](int id, std::shared_ptr<const impasto::MaskSet> masks) {
            impasto::ui::Snapshot snapshot{greyImage(64, 48), id * 10, StyleSettings(), 1};
            snapshot.masks = std::move(masks);
            QElapsedTimer timer;
            timer.start();
            archive.keep(id, snapshot);
            return timer.nsecsElapsed() / 1e6;
        };
        const double first = keep(1, masksOf(left));
        const double again = keep(2, masksOf(left));  // equal content, another copy
        keep(3, masksOf(top));
        keep(4, masksOf(left));
        qInfo(
            "keeping a snapshot with three 1024 x 768 masks: %.1f ms, with the same again: "
            "%.1f ms",
            first, again);
        int masksFiles = 0;
        for (const auto& entry : std::filesystem::directory_iterator(folder())) {
            masksFiles += entry.path().filename().string().starts_with("masks-");
        }
        QCOMPARE(masksFiles, 2);

        const std::vector<impasto::ui::Snapshot> loaded = archive.load();
        QCOMPARE(loaded.size(), size_t(4));
        QVERIFY(*loaded[0].masks == *masksOf(left));
        QVERIFY(*loaded[2].masks == *masksOf(top));
        QCOMPARE(loaded[1].masks.get(), loaded[0].masks.get());
        QCOMPARE(loaded[3].masks.get(), loaded[0].masks.get());
        QVERIFY(loaded[2].masks.get() != loaded[0].masks.get());
    }

    void aDamagedMasksFileKeepsTheSnapshotWithoutMasks() {
        impasto::ui::SnapshotArchive archive(folder());
        impasto::ui::Snapshot snapshot{greyImage(64, 48), 30, settingsWithStyleWeight(7.0), 2};
        snapshot.masks = halfMasks(true);
        archive.keep(1, snapshot);
        writeBytes(onlyMasksFile(folder()), {1, 2, 3, 4, 5});

        const std::vector<impasto::ui::Snapshot> loaded = archive.load();
        QCOMPARE(loaded.size(), size_t(1));
        QCOMPARE(loaded[0].image.width(), 64);
        QCOMPARE(loaded[0].iteration, 30);
        QCOMPARE(loaded[0].settings.styleWeight, 7.0);
        QVERIFY(!loaded[0].masks || !loaded[0].masks->any());
    }

    void anOldArchiveWithMasksInTheSnapshotStillLoadsThem() {
        std::filesystem::create_directories(folder());
        impasto::PngExportOptions png;
        png.text["impasto:settings"] = impasto::recipeToJson(StyleSettings(), {});
        png.text["impasto:iterations"] = "12";
        png.text["impasto:run"] = "1";
        png.masks = *halfMasks(true);
        impasto::exportPng(folder() / "snapshot-1.png", greyImage(64, 48), png);

        const auto loaded = impasto::ui::SnapshotArchive(folder()).load();
        QCOMPARE(loaded.size(), size_t(1));
        QVERIFY(loaded[0].masks);
        QVERIFY(*loaded[0].masks == *halfMasks(true));
    }

    void aMasksFileOfOtherMasksUnderTheSameNameIsNotReused() {
        impasto::ui::Snapshot snapshot{greyImage(64, 48), 10, StyleSettings(), 1};
        snapshot.masks = halfMasks(true);
        impasto::ui::SnapshotArchive(folder()).keep(1, snapshot);
        // As a hash collision would leave it: the name of these masks, the content of others.
        writeBytes(onlyMasksFile(folder()), impasto::maskChunkStream(*halfMasks(false)));
        std::filesystem::remove(folder() / "snapshot-1.png");

        impasto::ui::SnapshotArchive archive(folder());
        archive.keep(2, snapshot);
        const auto loaded = archive.load();
        QCOMPARE(loaded.size(), size_t(1));
        QVERIFY(loaded[0].masks);
        QVERIFY(*loaded[0].masks == *halfMasks(true));
    }

    void aPastedPhotoIsDescribedAsNone() {
        RecoveryCoordinator(folder()).autosave(greyImage(8, 8), StyleSettings{}, 3, true);
        const auto offer = RecoveryCoordinator(folder()).offer(8);
        QVERIFY(offer);
        QVERIFY2(offer->description.contains("no photo"), qPrintable(offer->description));
    }

    void autosavesKeepTheirIntervalUnlessAskedForNow() {
        RecoveryCoordinator recovery(folder());
        QVERIFY(!recovery.autosave(greyImage(8, 8), StyleSettings{}, 1, false));
        QVERIFY(!recovery.autosaveDue(false));  // 5 s have not passed
        QVERIFY(recovery.autosaveDue(true));
        QVERIFY(!recovery.autosave(greyImage(8, 8), StyleSettings{}, 2, false));
        RecoveryCoordinator next(folder());
        QVERIFY(next.offer(8));
        QCOMPARE(next.restore()->iteration, 1);  // the save within the interval wrote nothing
    }

    void discardingForgetsTheOfferAndTheAutosave() {
        RecoveryCoordinator(folder()).autosave(greyImage(8, 8), StyleSettings{}, 5, true);
        RecoveryCoordinator recovery(folder());
        QVERIFY(recovery.offer(8));
        recovery.discard();
        QVERIFY(!recovery.restore());
        QVERIFY(!RecoveryCoordinator(folder()).offer(8));
    }

    void anExportDropsTheAutosave() {
        RecoveryCoordinator recovery(folder());
        recovery.autosave(greyImage(8, 8), StyleSettings{}, 5, true);
        recovery.resultExported();
        QVERIFY(!RecoveryCoordinator(folder()).offer(8));
        // The next save of the same run is due at once.
        QVERIFY(recovery.autosaveDue(false));
    }

    // A folder that cannot be made (a file stands in its way): the first failure is reported,
    // the ones after it are not, and after a save that works the next failure is again.
    void aFailingAutosaveIsReportedOncePerRunOfFailures() {
        const std::filesystem::path blocker = impasto::test::toPath(dir_.path()) / "blocker";
        const auto block = [&] {
            std::filesystem::remove_all(blocker);
            std::ofstream(blocker) << "in the way";
        };
        block();
        RecoveryCoordinator recovery(blocker / "recovery");
        QVERIFY(recovery.autosave(greyImage(8, 8), StyleSettings{}, 1, true));
        QVERIFY(!recovery.autosave(greyImage(8, 8), StyleSettings{}, 2, true));
        std::filesystem::remove(blocker);
        QVERIFY(!recovery.autosave(greyImage(8, 8), StyleSettings{}, 3, true));
        block();
        QVERIFY(recovery.autosave(greyImage(8, 8), StyleSettings{}, 4, true));
    }
};

QTEST_GUILESS_MAIN(TestSessionRecoveryCoordinator)
#include "test_session_recovery_coordinator.moc"

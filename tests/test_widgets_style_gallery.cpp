#include <QApplication>
#include <QFile>
#include <QImage>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "core/settings/PresetFile.h"
#include "support/TestPaths.h"
#include "ui/panels/StyleGallery.h"
#include "ui/settings/AppSettings.h"
#include "ui/widgets/FileThumbnail.h"
#include "ui/widgets/ThumbnailGrid.h"

using impasto::test::sharedImage;
using impasto::ui::AppSettings;
using impasto::ui::StyleGallery;

class TestStyleGallery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(home_.isValid());
        qputenv("XDG_CONFIG_HOME", (home_.path() + "/config").toUtf8());
    }

    void showsRecentPaintingsAndPresetsWithThumbnails() {
        AppSettings settings;
        settings.rememberRecentFile("paintings", sharedImage("starry_night.jpg"));
        settings.rememberRecentFile("paintings", sharedImage("the_scream.jpg"));
        const QString preset = home_.filePath("swirls.json");
        impasto::RunInputs inputs;
        inputs.styles = {sharedImage("starry_night.jpg").toStdString()};
        impasto::savePreset(preset.toStdString(), {}, inputs);
        QImage result(64, 48, QImage::Format_RGB32);
        result.fill(Qt::red);
        QVERIFY(result.save(impasto::ui::presetThumbnailFile(preset)));
        settings.rememberRecentFile("presets", preset);
        const QString bare = home_.filePath("bare.json");
        impasto::savePreset(bare.toStdString(), {});
        settings.rememberRecentFile("presets", bare);

        StyleGallery gallery;
        gallery.resize(320, 600);
        gallery.show();
        QSignalSpy loaded(&gallery, &StyleGallery::thumbnailsLoaded);
        gallery.refresh();
        QVERIFY(loaded.wait(5000));

        QCOMPARE(gallery.paintings()->count(), 2);
        QCOMPARE(gallery.paintings()->item(0)->data(Qt::UserRole).toString(),
                 sharedImage("the_scream.jpg"));  // newest first
        for (int row = 0; row < 2; ++row) {
            QVERIFY2(!gallery.paintings()->item(row)->icon().isNull(), "a painting has no picture");
        }
        QCOMPARE(gallery.presets()->count(), 2);
        QCOMPARE(gallery.presets()->item(0)->text(), QString("bare"));
        QVERIFY2(gallery.presets()->item(0)->icon().isNull(),
                 "a preset without a thumbnail shows a picture");
        const QImage shown =
            gallery.presets()->item(1)->icon().pixmap(StyleGallery::kThumbnailSize).toImage();
        QVERIFY(!shown.isNull());
        QCOMPARE(QColor(shown.pixel(shown.width() / 2, shown.height() / 2)), QColor(Qt::red));

        // One click reuses an item.
        QSignalSpy paintingChosen(&gallery, &StyleGallery::paintingChosen);
        QSignalSpy presetChosen(&gallery, &StyleGallery::presetChosen);
        QListWidget* paintings = gallery.paintings();
        QTest::mouseClick(paintings->viewport(), Qt::LeftButton, {},
                          paintings->visualItemRect(paintings->item(1)).center());
        QCOMPARE(paintingChosen.count(), 1);
        QCOMPARE(paintingChosen.at(0).at(0).toString(), sharedImage("starry_night.jpg"));
        QListWidget* presets = gallery.presets();
        QTest::mouseClick(presets->viewport(), Qt::LeftButton, {},
                          presets->visualItemRect(presets->item(1)).center());
        QCOMPARE(presetChosen.count(), 1);
        QCOMPARE(presetChosen.at(0).at(0).toString(), preset);
        // The preset names its painting, so that restoring it can bring the painting back.
        const impasto::Recipe recipe = impasto::loadRecipeJson(preset.toStdString());
        QCOMPARE(recipe.inputs.styles.size(), size_t{1});
    }

    void refreshDropsFilesThatAreGone() {
        const QString painting = home_.filePath("gone.png");
        QImage image(8, 8, QImage::Format_RGB32);
        image.fill(Qt::blue);
        QVERIFY(image.save(painting));
        AppSettings().rememberRecentFile("paintings", painting);
        StyleGallery gallery;
        const int before = gallery.paintings()->count();
        QVERIFY(QFile::remove(painting));
        gallery.refresh();
        QCOMPARE(gallery.paintings()->count(), before - 1);
    }

    // A thumbnail that arrives after the grid has laid its items out on screen gets the room it
    // needs (with uniform item sizes it stayed a text line high: the fast-style list showed a
    // sliver of it).
    void lateThumbnailsGetTheirRoom() {
        std::unique_ptr<QListWidget> grid(impasto::ui::thumbnailGrid("grid", 96));
        grid->resize(300, 300);
        grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(grid.get()));
        auto* item = new QListWidgetItem("name", grid.get());
        QTest::qWait(50);  // laid out with the text alone
        QImage thumbnail(96, 60, QImage::Format_RGB32);
        thumbnail.fill(Qt::darkBlue);
        item->setIcon(QPixmap::fromImage(thumbnail));
        QTRY_VERIFY2(grid->visualItemRect(item).height() >= 60,
                     qPrintable(QString::number(grid->visualItemRect(item).height())));
    }

private:
    QTemporaryDir home_;
};

QTEST_MAIN(TestStyleGallery)
#include "test_widgets_style_gallery.moc"

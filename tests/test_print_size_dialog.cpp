// Render at Print Size's dialog (issue 16): a longest side, megapixels or a print size in cm or
// inches at a DPI give the pixel size the engine renders, limited to what it renders.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>
#include <QTest>

#include "core/settings/StyleSettings.h"
#include "ui/dialogs/PrintSizeDialog.h"

using namespace impasto;
using namespace impasto::ui;

namespace {

// A 4:3 landscape picture, as tubingen.jpg.
const QSize kLandscape(1024, 768);

void choosePrint(PrintSizeDialog& dialog, double length, PrintSizeDialog::Unit unit,
                 PrintSizeDialog::Edge edge, int dpi) {
    dialog.wayBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Way::Print));
    dialog.unitBox()->setCurrentIndex(static_cast<int>(unit));
    dialog.edgeBox()->setCurrentIndex(static_cast<int>(edge));
    dialog.dpiBox()->setValue(dpi);
    dialog.printLengthBox()->setValue(length);
}

}  // namespace

class TestPrintSizeDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyWayStartsAtTheSizeOffered() {
        PrintSizeDialog dialog(kLandscape, 512);
        QCOMPARE(dialog.longestSide(), 512);
        QCOMPARE(dialog.pixelSize(), QSize(512, 384));
        QCOMPARE(dialog.resultLabel()->text(), QString("512 x 384 px, 0.2 MP"));
        QCOMPARE(dialog.megapixelsBox()->value(), 0.2);
        QCOMPARE(dialog.dpiBox()->value(), 300);          // the usual print resolution
        QCOMPARE(dialog.printLengthBox()->value(), 4.3);  // 512 px at 300 dpi is 4.33 cm
        QVERIFY(dialog.limitLabel()->text().isEmpty());
    }

    void theLongestSideIsTyped() {
        PrintSizeDialog dialog(kLandscape, 512);
        dialog.longestSideBox()->selectAll();
        QTest::keyClicks(dialog.longestSideBox(), "6144");
        QCOMPARE(dialog.longestSide(), 6144);
        QCOMPARE(dialog.resultLabel()->text(), QString("6144 x 4608 px, 28.3 MP"));
    }

    void aPrintSizeIsPixelsAtItsDpi() {
        PrintSizeDialog dialog(kLandscape, 512);
        // 30 cm at 254 dpi is 3000 px: wide, the longest side; high, 4000 px wide.
        choosePrint(dialog, 30.0, PrintSizeDialog::Unit::Centimetres, PrintSizeDialog::Edge::Width,
                    254);
        QCOMPARE(dialog.pixelSize(), QSize(3000, 2250));
        choosePrint(dialog, 30.0, PrintSizeDialog::Unit::Centimetres, PrintSizeDialog::Edge::Height,
                    254);
        QCOMPARE(dialog.pixelSize(), QSize(4000, 3000));
        // 10 x 7.5 inches at 300 dpi.
        choosePrint(dialog, 10.0, PrintSizeDialog::Unit::Inches, PrintSizeDialog::Edge::Width, 300);
        QCOMPARE(dialog.pixelSize(), QSize(3000, 2250));
        QCOMPARE(dialog.longestSide(), 3000);
        dialog.dpiBox()->setValue(150);  // half the resolution, half the pixels each way
        QCOMPARE(dialog.pixelSize(), QSize(1500, 1125));
    }

    void megapixelsKeepTheAspect() {
        PrintSizeDialog landscape(kLandscape, 512);
        landscape.wayBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Way::Megapixels));
        landscape.megapixelsBox()->setValue(12.0);
        QCOMPARE(landscape.pixelSize(), QSize(4000, 3000));
        PrintSizeDialog portrait(QSize(768, 1024), 512);
        portrait.wayBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Way::Megapixels));
        portrait.megapixelsBox()->setValue(12.0);
        QCOMPARE(portrait.pixelSize(), QSize(3000, 4000));
        QCOMPARE(portrait.longestSide(), 4000);
    }

    void sizesBeyondTheEngineAreLimitedWithAMessage() {
        PrintSizeDialog dialog(kLandscape, 512);
        // 1 m wide at 300 dpi would be 11811 px.
        choosePrint(dialog, 100.0, PrintSizeDialog::Unit::Centimetres, PrintSizeDialog::Edge::Width,
                    300);
        QCOMPARE(dialog.longestSide(), kMaximumOutputSize);
        QCOMPARE(dialog.pixelSize(), QSize(8192, 6144));
        QVERIFY(dialog.limitLabel()->text().contains("8192 px"));
        QVERIFY(dialog.limitLabel()->text().contains("208 dpi"));  // 300 * 8192 / 11811
        QVERIFY(!dialog.limitLabel()->isHidden());

        dialog.wayBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Way::Megapixels));
        dialog.megapixelsBox()->setValue(100.0);
        QCOMPARE(dialog.longestSide(), kMaximumOutputSize);
        QVERIFY(dialog.limitLabel()->text().contains("8192 px"));
        QVERIFY(!dialog.limitLabel()->text().contains("dpi"));  // no print asked for

        dialog.wayBox()->setCurrentIndex(static_cast<int>(PrintSizeDialog::Way::LongestSide));
        dialog.longestSideBox()->setValue(20000);
        QCOMPARE(dialog.longestSide(), kMaximumOutputSize);
        dialog.longestSideBox()->setValue(4096);  // within the limit again: no message
        QCOMPARE(dialog.longestSide(), 4096);
        QVERIFY(dialog.limitLabel()->text().isEmpty());
        QVERIFY(dialog.limitLabel()->isHidden());
    }
};

QTEST_MAIN(TestPrintSizeDialog)
#include "test_print_size_dialog.moc"

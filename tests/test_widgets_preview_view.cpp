#include <QApplication>
#include <QImage>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <cmath>

#include "support/TestPaths.h"
#include "ui/widgets/PreviewView.h"

using impasto::ui::PreviewView;

namespace {

// The photo at 256 x 192: the same 4:3 shape as the 200 x 150 view, so fitting fills it.
QImage photo() {
    const QImage full(impasto::test::sharedImage("tubingen.jpg"));
    return full.scaled(256, 192, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
        .convertToFormat(QImage::Format_RGB32);
}

QImage filled(QSize size, QColor colour) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

void wheel(QWidget* widget, QPointF position, int angle) {
    QWheelEvent event(position, widget->mapToGlobal(position), QPoint(), QPoint(0, angle),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &event);
}

bool near(QPointF a, QPointF b, double tolerance) {
    return std::abs(a.x() - b.x()) <= tolerance && std::abs(a.y() - b.y()) <= tolerance;
}

QString describe(QPointF a, QPointF b) {
    return QString("(%1, %2) vs (%3, %4)").arg(a.x()).arg(a.y()).arg(b.x()).arg(b.y());
}

// The view's pixels as drawn, one per device pixel.
QImage rendered(PreviewView& view) {
    return view.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

}  // namespace

// Runs with QT_SCALE_FACTOR=2 (see main): every widget has a device pixel ratio of 2, so the
// checks cover HiDPI painting; logical sizes are half the device ones.
class TestWidgetsPreviewView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        view_ = new PreviewView;
        view_->resize(200, 150);
        view_->show();
        QVERIFY(QTest::qWaitForWindowExposed(view_));
        QCOMPARE(view_->devicePixelRatioF(), 2.0);
    }
    void cleanup() { delete view_; }

    void firstImageFitsTheWindow() {
        QSignalSpy spy(view_, &PreviewView::zoomChanged);
        view_->setImage(photo());
        QVERIFY(view_->fitsWindow());
        QCOMPARE(view_->zoom(), 400.0 / 256.0);  // device pixels per image pixel
        QCOMPARE(spy.size(), 1);
        QVERIFY(near(view_->widgetPosition({128, 96}), {100, 75}, 0.01));
        QVERIFY(near(view_->widgetPosition({0, 0}), {0, 0}, 0.01));
    }

    void wheelZoomsAboutTheCursor() {
        view_->setImage(photo());
        const QPointF cursor(50, 40);
        const QPointF under = view_->imagePosition(cursor);
        wheel(view_, cursor, 120);
        QCOMPARE(view_->zoom(), 400.0 / 256.0 * PreviewView::kZoomStep);
        QVERIFY(!view_->fitsWindow());
        // Image rects are snapped to whole device pixels: half a logical pixel at ratio 2.
        QVERIFY2(near(view_->widgetPosition(under), cursor, 0.5),
                 qPrintable(describe(view_->widgetPosition(under), cursor)));
        const QPointF other(170, 120);
        const QPointF underOther = view_->imagePosition(other);
        wheel(view_, other, 240);
        QVERIFY2(near(view_->widgetPosition(underOther), other, 0.5),
                 qPrintable(describe(view_->widgetPosition(underOther), other)));
        const double zoomedIn = view_->zoom();
        wheel(view_, other, -120);
        QCOMPARE(view_->zoom(), zoomedIn / PreviewView::kZoomStep);
        QVERIFY(near(view_->widgetPosition(underOther), other, 0.5));
    }

    void dragPansAndStopsAtTheEdges() {
        view_->setImage(photo());
        view_->showActualSize();
        QCOMPARE(view_->zoom(), 1.0);
        // At 100% the 256 x 192 image is 128 x 96 logical pixels: smaller than the view, so it
        // stays centred however far it is dragged.
        const QPoint start(100, 75);
        QTest::mousePress(view_, Qt::LeftButton, {}, start);
        QTest::mouseMove(view_, start + QPoint(40, 30));
        QTest::mouseRelease(view_, Qt::LeftButton, {}, start + QPoint(40, 30));
        QVERIFY(near(view_->widgetPosition({128, 96}), {100, 75}, 0.5));

        view_->zoomIn();
        view_->zoomIn();
        view_->zoomIn();  // 1.95: 250 x 187 logical pixels, larger than the view
        const QPointF grabbed = view_->imagePosition(start);
        QTest::mousePress(view_, Qt::LeftButton, {}, start);
        QTest::mouseMove(view_, start + QPoint(10, 5));
        QTest::mouseMove(view_, start + QPoint(20, 10));
        QTest::mouseRelease(view_, Qt::LeftButton, {}, start + QPoint(20, 10));
        QVERIFY2(near(view_->widgetPosition(grabbed), start + QPoint(20, 10), 0.5),
                 qPrintable(describe(view_->widgetPosition(grabbed), start + QPoint(20, 10))));

        QTest::mousePress(view_, Qt::LeftButton, {}, start);
        QTest::mouseMove(view_, start + QPoint(150, 150));
        QTest::mouseRelease(view_, Qt::LeftButton, {}, start + QPoint(150, 150));
        QVERIFY(near(view_->widgetPosition({0, 0}), {0, 0}, 0.5));
        QTest::mousePress(view_, Qt::LeftButton, {}, start);
        QTest::mouseMove(view_, start - QPoint(300, 300));
        QTest::mouseRelease(view_, Qt::LeftButton, {}, start - QPoint(300, 300));
        QVERIFY(near(view_->widgetPosition({256, 192}), {200, 150}, 0.5));

        // Actual size after panning: the image, smaller than the view again, is centred.
        view_->showActualSize();
        QVERIFY2(near(view_->widgetPosition({128, 96}), {100, 75}, 0.5),
                 qPrintable(describe(view_->widgetPosition({128, 96}), {100, 75})));
    }

    void doubleClickTogglesFitAndActualSize() {
        view_->setImage(photo());
        const QPoint cursor(60, 50);
        QTest::mouseDClick(view_, Qt::LeftButton, {}, cursor);
        QCOMPARE(view_->zoom(), 1.0);
        QVERIFY(!view_->fitsWindow());
        // At 100% this image is smaller than the view, so it is centred rather than anchored.
        QVERIFY(near(view_->widgetPosition({128, 96}), {100, 75}, 0.5));
        QTest::mouseDClick(view_, Qt::LeftButton, {}, cursor);
        QVERIFY(view_->fitsWindow());
        QCOMPARE(view_->zoom(), 400.0 / 256.0);
    }

    void doubleClickZoomsAboutTheCursorOnLargeImages() {
        const QImage large = photo().scaled(1024, 768);
        view_->setImage(large);
        const QPoint cursor(60, 50);
        const QPointF under = view_->imagePosition(cursor);
        QTest::mouseDClick(view_, Qt::LeftButton, {}, cursor);
        QCOMPARE(view_->zoom(), 1.0);
        QVERIFY2(near(view_->widgetPosition(under), cursor, 0.5),
                 qPrintable(describe(view_->widgetPosition(under), cursor)));
    }

    void actualSizeShowsOneImagePixelPerDevicePixel() {
        const QImage image = photo();
        view_->setImage(image);
        view_->showActualSize();
        const QImage shown = rendered(*view_);
        QCOMPARE(shown.size(), QSize(400, 300));
        // Image pixel (x, y) lands on device pixel topLeft + (x, y), unblurred.
        const QPointF topLeft = view_->widgetPosition({0, 0}) * 2.0;
        int mismatches = 0;
        for (int y = 0; y < image.height(); y += 7) {
            for (int x = 0; x < image.width(); x += 7) {
                const QPoint device = (topLeft + QPointF(x, y)).toPoint();
                mismatches += shown.pixel(device) != image.pixel(x, y);
            }
        }
        QCOMPARE(mismatches, 0);
    }

    void largeZoomShowsCrispPixelBlocks() {
        QImage checker(8, 6, QImage::Format_RGB32);
        for (int y = 0; y < checker.height(); ++y) {
            for (int x = 0; x < checker.width(); ++x) {
                checker.setPixel(x, y, (x + y) % 2 ? qRgb(230, 40, 40) : qRgb(20, 60, 200));
            }
        }
        view_->setImage(checker);
        QCOMPARE(view_->zoom(), PreviewView::kMaximumZoom);  // fitting would need 50
        const QImage shown = rendered(*view_);
        // 32 device pixels per image pixel: every block is a flat colour, edges included.
        const QPointF topLeft = view_->widgetPosition({0, 0}) * 2.0;
        const double block = view_->zoom();
        for (int y = 0; y < checker.height(); ++y) {
            for (int x = 0; x < checker.width(); ++x) {
                for (const QPointF corner : {QPointF(1, 1), QPointF(block - 2, block - 2)}) {
                    const QPoint device = (topLeft + QPointF(x, y) * block + corner).toPoint();
                    QCOMPARE(shown.pixel(device), checker.pixel(x, y));
                }
            }
        }
    }

    void sameSizeImageKeepsTheView() {
        view_->setImage(photo());
        wheel(view_, QPointF(30, 30), 360);
        const double zoom = view_->zoom();
        const QPointF corner = view_->widgetPosition({0, 0});
        QSignalSpy spy(view_, &PreviewView::zoomChanged);
        view_->setImage(photo().mirrored(true, false));
        QCOMPARE(view_->zoom(), zoom);
        QCOMPARE(view_->widgetPosition({0, 0}), corner);
        QCOMPARE(spy.size(), 0);
    }

    void largerImageKeepsTheVisibleCentre() {
        view_->setImage(photo());
        wheel(view_, QPointF(150, 110), 480);
        const QPointF centre = view_->imagePosition({100, 75});
        const double zoom = view_->zoom();
        view_->setImage(photo().scaled(512, 384));
        QCOMPARE(view_->zoom(), zoom / 2.0);
        QVERIFY2(near(view_->imagePosition({100, 75}), centre * 2.0, 1.0),
                 qPrintable(describe(view_->imagePosition({100, 75}), centre * 2.0)));
        QVERIFY(!view_->fitsWindow());
    }

    void largerImageKeepsFitting() {
        view_->setImage(photo());
        view_->setImage(photo().scaled(512, 384));
        QVERIFY(view_->fitsWindow());
        QCOMPARE(view_->zoom(), 400.0 / 512.0);
        view_->resize(300, 150);
        QCOMPARE(view_->zoom(), 300.0 / 384.0);
    }

    void comparisonSplitsBeforeAndAfter() {
        const QRgb before = qRgb(220, 30, 30);
        const QRgb after = qRgb(30, 30, 220);
        view_->setImage(filled({256, 192}, after));
        view_->setComparisonImage(filled({64, 48}, before));  // scaled to the image's size
        QCOMPARE(rendered(*view_).pixel(100, 150), after);    // comparison still off

        view_->setComparisonEnabled(true);
        QVERIFY(view_->comparisonEnabled());
        QImage shown = rendered(*view_);
        QCOMPARE(shown.pixel(20, 280), before);
        QCOMPARE(shown.pixel(380, 280), after);
        QCOMPARE(shown.pixel(240, 280), after);

        // Dragging the split line moves it; the image does not pan.
        const QPointF corner = view_->widgetPosition({0, 0});
        QTest::mousePress(view_, Qt::LeftButton, {}, QPoint(100, 140));
        QTest::mouseMove(view_, QPoint(130, 140));
        QTest::mouseMove(view_, QPoint(150, 141));
        QTest::mouseRelease(view_, Qt::LeftButton, {}, QPoint(150, 141));
        QCOMPARE(view_->splitPosition(), 0.75);
        QCOMPARE(view_->widgetPosition({0, 0}), corner);
        shown = rendered(*view_);
        QCOMPARE(shown.pixel(240, 280), before);
        QCOMPARE(shown.pixel(380, 280), after);
    }

    void keysZoomAndFit() {
        view_->setImage(photo());
        QTest::keyClick(view_, Qt::Key_Plus);
        QCOMPARE(view_->zoom(), 400.0 / 256.0 * PreviewView::kZoomStep);
        QTest::keyClick(view_, Qt::Key_1);
        QCOMPARE(view_->zoom(), 1.0);
        QTest::keyClick(view_, Qt::Key_0);
        QVERIFY(view_->fitsWindow());
    }

    void placeholderWithoutImage() {
        view_->setPlaceholderText("Drop a photo here");
        const QImage shown = rendered(*view_);
        const QRgb background = shown.pixel(0, 0);
        bool textDrawn = false;
        for (int x = 0; x < shown.width() && !textDrawn; ++x) {
            textDrawn = shown.pixel(x, shown.height() / 2) != background;
        }
        QVERIFY(textDrawn);
        view_->zoomIn();  // nothing to zoom: no change, no crash
        wheel(view_, QPointF(10, 10), 120);
        QCOMPARE(view_->zoom(), 1.0);
        QVERIFY(view_->image().isNull());
    }

private:
    PreviewView* view_ = nullptr;
};

int main(int argc, char** argv) {
    qputenv("QT_SCALE_FACTOR", "2");
    QApplication application(argc, argv);
    TestWidgetsPreviewView test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_widgets_preview_view.moc"

#include <QTest>

#include <cmath>

#include "ui/widgets/LossCurveView.h"

using impasto::ui::LossCurveView;

namespace {

QImage rendered(LossCurveView& view) {
    return view.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

// How many pixels in the 5 x 5 square around `centre` differ between the two renderings.
int changedAround(const QImage& before, const QImage& after, QPointF centre) {
    int changed = 0;
    const QPoint middle = centre.toPoint();
    for (int dy = -2; dy <= 2; ++dy) {
        for (int dx = -2; dx <= 2; ++dx) {
            const QPoint at = middle + QPoint(dx, dy);
            changed += before.pixel(at) != after.pixel(at);
        }
    }
    return changed;
}

// Whether a pixel in the 5 x 5 square around `centre` has about `colour`.
bool colourAround(const QImage& image, QPointF centre, QColor colour) {
    const QPoint middle = centre.toPoint();
    for (int dy = -2; dy <= 2; ++dy) {
        for (int dx = -2; dx <= 2; ++dx) {
            const QColor found(image.pixel(middle + QPoint(dx, dy)));
            if (std::abs(found.red() - colour.red()) < 40 &&
                std::abs(found.green() - colour.green()) < 40 &&
                std::abs(found.blue() - colour.blue()) < 40) {
                return true;
            }
        }
    }
    return false;
}

}  // namespace

class TestWidgetsLossCurveView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        view_ = new LossCurveView;
        view_->resize(400, 220);
        view_->show();
        QVERIFY(QTest::qWaitForWindowExposed(view_));
    }
    void cleanup() { delete view_; }

    void emptyViewHasNoPlot() {
        QCOMPARE(view_->pointCount(), 0);
        QVERIFY(!view_->plotPosition(1, 1.0));
        QVERIFY(view_->toolTipAt({200, 110}).isEmpty());
    }

    void curvesAreDrawnWhereTheValuesAre() {
        // A falling total from 1e4 to about 1e2, as a real run's.
        for (int iteration = 1; iteration <= 60; ++iteration) {
            const double total = 1e4 * std::pow(0.925, iteration);
            view_->addPoint(iteration, total, total * 0.3, total * 0.65, total * 0.05);
        }
        QCOMPARE(view_->pointCount(), 60);
        const QImage drawn = rendered(*view_);
        const QColor totalColour = view_->palette().color(QPalette::Text);
        for (const int iteration : {5, 30, 55}) {
            const double total = 1e4 * std::pow(0.925, iteration);
            const std::optional<QPointF> at = view_->plotPosition(iteration, total);
            QVERIFY(at);
            QVERIFY(QRectF(view_->rect()).contains(*at));
            QVERIFY2(colourAround(drawn, *at, totalColour), qPrintable(QString::number(iteration)));
        }
        // The curve falls: later iterations sit lower (larger y) and further right.
        const QPointF early = *view_->plotPosition(5, 1e4 * std::pow(0.925, 5));
        const QPointF late = *view_->plotPosition(55, 1e4 * std::pow(0.925, 55));
        QVERIFY(late.x() > early.x() + 100);
        QVERIFY(late.y() > early.y() + 50);
        // Far from every curve there is only background: top right, between grid lines.
        const QPointF away = *view_->plotPosition(56, 3e3);
        QVERIFY(!colourAround(drawn, away, totalColour));
        QCOMPARE(QColor(drawn.pixel(away.toPoint())), view_->palette().color(QPalette::Base));
    }

    void logAxisPlacesDecadesEvenly() {
        view_->addPoint(0, 1000, 100, 10, 1);
        view_->addPoint(10, 1000, 100, 10, 1);
        const double y1 = view_->plotPosition(0, 1)->y();
        const double y10 = view_->plotPosition(0, 10)->y();
        const double y100 = view_->plotPosition(0, 100)->y();
        QVERIFY(y10 < y1);
        QVERIFY(std::abs((y1 - y10) - (y10 - y100)) < 1e-9);
        QVERIFY(!view_->plotPosition(0, 0.0));  // a switched-off term has no place on a log axis
        QVERIFY(!view_->plotPosition(0, -1.0));
    }

    void markersDrawAVerticalLine() {
        for (int iteration = 1; iteration <= 40; ++iteration) {
            view_->addPoint(iteration, 500.0, 200.0, 250.0, 50.0);
        }
        const QImage before = rendered(*view_);
        view_->addMarker(20, "style weight 1e4");
        QCOMPARE(view_->markerCount(), 1);
        const QImage after = rendered(*view_);
        // The line runs through the plot: check a few heights away from the flat curves.
        int changedHeights = 0;
        for (const double value : {3.0, 10.0, 30.0, 3000.0}) {
            const std::optional<QPointF> at = view_->plotPosition(20, value);
            if (at && QRectF(view_->rect()).contains(*at)) {
                changedHeights += changedAround(before, after, *at) > 0;
            }
        }
        QVERIFY(changedHeights >= 2);
        const QString tip = view_->toolTipAt(*view_->plotPosition(20, 100.0));
        QVERIFY2(tip.contains("style weight 1e4"), qPrintable(tip));
    }

    void hoverShowsTheNearestValues() {
        view_->addPoint(10, 1234.5, 600, 600, 34.5);
        view_->addPoint(20, 800, 400, 380, 20);
        const QPointF nearSecond = *view_->plotPosition(19, 800);
        const QString tip = view_->toolTipAt(nearSecond);
        QVERIFY2(tip.contains("Iteration 20"), qPrintable(tip));
        QVERIFY2(tip.contains("Total: 800"), qPrintable(tip));
        QVERIFY2(tip.contains("Smoothness: 20"), qPrintable(tip));
        QVERIFY(view_->toolTipAt({2, 2}).isEmpty());  // outside the plot
    }

    void clearEmptiesTheView() {
        view_->addPoint(1, 10, 5, 4, 1);
        view_->addMarker(1, "start");
        view_->clear();
        QCOMPARE(view_->pointCount(), 0);
        QCOMPARE(view_->markerCount(), 0);
        QVERIFY(!view_->plotPosition(1, 10));
    }

    // Crowded markers: labels stack in rows, never overlap and stay inside the plot; a marker
    // whose label found no room still tells its change in the tooltip.
    void markerLabelsNeverOverlap() {
        for (int iteration = 1; iteration <= 100; ++iteration) {
            view_->addPoint(iteration, 1000.0 / iteration, 500.0 / iteration, 400.0, 1.0);
        }
        for (int iteration = 5; iteration <= 100; iteration += 5) {
            view_->addMarker(iteration,
                             QString("style weight %1 -> %2").arg(iteration).arg(iteration * 10));
        }
        const QList<QRectF> labels = view_->markerLabelRects();
        QVERIFY(!labels.isEmpty());
        QVERIFY(labels.size() < view_->markerCount());  // too crowded for all of them
        for (int i = 0; i < labels.size(); ++i) {
            QVERIFY(QRectF(view_->rect()).contains(labels[i]));
            for (int j = i + 1; j < labels.size(); ++j) {
                QVERIFY2(!labels[i].intersects(labels[j]),
                         qPrintable(QString("labels %1 and %2 overlap").arg(i).arg(j)));
            }
        }
        const QString tip = view_->toolTipAt(*view_->plotPosition(100, 400.0));
        QVERIFY2(tip.contains("style weight 100 -> 1000"), qPrintable(tip));
    }

    // The relative view: a style weight raised 1000x mid-run does not read as a 1000x jump.
    void theRelativeViewIgnoresWeightChanges() {
        view_->setWeights(0, 1.0, 100.0, 0.1);
        for (int iteration = 1; iteration <= 10; ++iteration) {
            view_->addPoint(iteration, 100.0 + 200.0 / iteration, 100.0, 200.0 / iteration, 1.0);
        }
        view_->setWeights(10, 1.0, 100000.0, 0.1);
        for (int iteration = 11; iteration <= 20; ++iteration) {
            view_->addPoint(iteration, 100.0 + 200000.0 / iteration, 100.0, 200000.0 / iteration,
                            1.0);
        }
        using Series = LossCurveView::Series;
        QVERIFY(view_->shownValue(Series::Style, 10) / view_->shownValue(Series::Style, 9) > 100);
        view_->setRelative(true);
        QCOMPARE(view_->shownValue(Series::Style, 0), 1.0);
        const double before = view_->shownValue(Series::Style, 9);  // iteration 10
        const double after = view_->shownValue(Series::Style, 10);  // iteration 11
        QVERIFY2(after < before && after > 0.8 * before,
                 qPrintable(QString("%1 -> %2").arg(before).arg(after)));
        QVERIFY(view_->shownValue(Series::Total, 19) < view_->shownValue(Series::Total, 0));
    }

private:
    LossCurveView* view_ = nullptr;
};

QTEST_MAIN(TestWidgetsLossCurveView)
#include "test_widgets_loss_curve_view.moc"

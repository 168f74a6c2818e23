#pragma once

#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <optional>

namespace impasto::ui {

// The losses of a run as curves over iterations on a log-scale y axis, with vertical markers
// where the settings changed. Four series (total, content, style, smoothness) in colours chosen
// to stay distinct for colour-blind viewers (Okabe-Ito) and, for total, the palette's text
// colour. Zero or negative values (a term that is switched off) are not drawn. Hovering shows
// the values of the nearest iteration in a tooltip. Marker labels stack in up to three rows so
// that they never overlap nor leave the plot; one that finds no room is left to the tooltip.
// The relative view shows each term as a multiple of its value at the start, at the weights of
// the start, so that raising a weight mid-run does not read as a jump in the loss.
class LossCurveView : public QWidget {
    Q_OBJECT

public:
    enum class Series { Total, Content, Style, Smoothness };

    explicit LossCurveView(QWidget* parent = nullptr);

    void addPoint(int iteration, double total, double content, double style, double tv);
    // A marker at the iteration of the newest one replaces its label.
    void addMarker(int iteration, const QString& label);
    // The loss weights from `iteration` on (after its step), for the relative view.
    void setWeights(int iteration, double content, double style, double tv);
    // Forgets points and markers after `iteration` (a run going on from an earlier snapshot).
    void truncateAfter(int iteration);
    void clear();
    void setRelative(bool relative);
    bool isRelative() const { return relative_; }
    // The value drawn for `series` at point `index`: the loss, or in the relative view its
    // multiple of the start. NaN when nothing is drawn there.
    double shownValue(Series series, int index) const;
    // Where marker labels are drawn now, in widget coordinates (labels without room omitted).
    QList<QRectF> markerLabelRects() const;
    int pointCount() const { return static_cast<int>(points_.size()); }
    int markerCount() const { return static_cast<int>(markers_.size()); }
    QString markerLabel(int index) const { return markers_.at(index).label; }

    // Where a value of a series at an iteration is drawn, in widget coordinates; nothing while
    // there is nothing to plot or for a value the log axis cannot show.
    std::optional<QPointF> plotPosition(int iteration, double value) const;
    // The tooltip text at a widget position: values of the nearest iteration (and the marker
    // there, if any); empty outside the plot.
    QString toolTipAt(QPointF widgetPoint) const;

    QSize sizeHint() const override { return {480, 200}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    struct Point {
        int iteration;
        double values[4];  // indexed by Series
    };
    struct Marker {
        int iteration;
        QString label;
    };
    struct Weights {
        int iteration;
        double values[4];  // indexed by Series; the total's is unused
    };
    struct PlacedLabel {
        int marker;
        QRectF rect;
    };
    struct Axes {
        QRectF plot;
        double firstIteration;
        double lastIteration;
        double logMinimum;
        double logMaximum;
    };

    std::optional<Axes> axes() const;
    // plotPosition() on axes computed once for a whole paint (axes() goes through every point).
    static std::optional<QPointF> positionIn(const Axes& axes, int iteration, double value);
    QList<PlacedLabel> placeLabels(const Axes& axes) const;
    const Weights* weightsAt(int iteration) const;
    QColor seriesColour(Series series) const;
    void paintGrid(QPainter& painter, const Axes& axes) const;
    void paintSeries(QPainter& painter, const Axes& axes) const;
    void paintMarkers(QPainter& painter, const Axes& axes) const;
    void paintLegend(QPainter& painter, const Axes& axes) const;

    QList<Point> points_;
    QList<Marker> markers_;
    QList<Weights> weights_;  // by iteration
    bool relative_ = false;
};

}  // namespace impasto::ui

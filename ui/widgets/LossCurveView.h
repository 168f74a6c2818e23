#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>

#include <optional>

namespace impasto::ui {

// The losses of a run as curves over iterations on a log-scale y axis, with vertical markers
// where the settings changed. Four series (total, content, style, smoothness) in colours chosen
// to stay distinct for colour-blind viewers (Okabe-Ito) and, for total, the palette's text
// colour. Zero or negative values (a term that is switched off) are not drawn. Hovering shows
// the values of the nearest iteration in a tooltip.
class LossCurveView : public QWidget {
    Q_OBJECT

public:
    enum class Series { Total, Content, Style, Smoothness };

    explicit LossCurveView(QWidget* parent = nullptr);

    void addPoint(int iteration, double total, double content, double style, double tv);
    void addMarker(int iteration, const QString& label);
    void clear();
    int pointCount() const { return static_cast<int>(points_.size()); }
    int markerCount() const { return static_cast<int>(markers_.size()); }

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
    struct Axes {
        QRectF plot;
        double firstIteration;
        double lastIteration;
        double logMinimum;
        double logMaximum;
    };

    std::optional<Axes> axes() const;
    QColor seriesColour(Series series) const;
    void paintGrid(QPainter& painter, const Axes& axes) const;
    void paintSeries(QPainter& painter, const Axes& axes) const;
    void paintMarkers(QPainter& painter, const Axes& axes) const;
    void paintLegend(QPainter& painter, const Axes& axes) const;

    QList<Point> points_;
    QList<Marker> markers_;
};

}  // namespace impasto::ui

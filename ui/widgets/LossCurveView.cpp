#include "ui/widgets/LossCurveView.h"

#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace impasto::ui {

namespace {

constexpr int kSeriesCount = 4;
constexpr double kMarkerHoverDistance = 4.0;  // logical pixels

QString seriesName(LossCurveView::Series series) {
    switch (series) {
        case LossCurveView::Series::Total:
            return LossCurveView::tr("Total");
        case LossCurveView::Series::Content:
            return LossCurveView::tr("Content");
        case LossCurveView::Series::Style:
            return LossCurveView::tr("Style");
        case LossCurveView::Series::Smoothness:
            return LossCurveView::tr("Smoothness");
    }
    return {};
}

// A decade as a short label: 0.01, 0.1, 1, 10, 100, 1000, then 1e4.
QString decadeLabel(int exponent) {
    if (exponent >= -2 && exponent <= 3) {
        return QString::number(std::pow(10.0, exponent), 'f', std::max(0, -exponent));
    }
    return QStringLiteral("1e%1").arg(exponent);
}

// 1, 2 or 5 times a power of ten, at least `rough`.
double niceStep(double rough) {
    const double power = std::pow(10.0, std::floor(std::log10(std::max(rough, 1.0))));
    for (const double multiple : {1.0, 2.0, 5.0}) {
        if (multiple * power >= rough) {
            return multiple * power;
        }
    }
    return 10.0 * power;
}

}  // namespace

LossCurveView::LossCurveView(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Loss curve"));
    setAccessibleDescription(tr("Losses per iteration on a logarithmic scale"));
}

void LossCurveView::addPoint(int iteration, double total, double content, double style, double tv) {
    points_.append(Point{iteration, {total, content, style, tv}});
    update();  // coalesced by Qt: many points between two frames cost one paint
}

void LossCurveView::addMarker(int iteration, const QString& label) {
    if (!markers_.isEmpty() && markers_.last().iteration == iteration) {
        markers_.last().label = label;
    } else {
        markers_.append({iteration, label});
    }
    update();
}

void LossCurveView::setWeights(int iteration, double content, double style, double tv) {
    while (!weights_.isEmpty() && weights_.last().iteration >= iteration) {
        weights_.removeLast();
    }
    weights_.append(Weights{iteration, {1.0, content, style, tv}});
    update();
}

void LossCurveView::truncateAfter(int iteration) {
    const auto after = [iteration](const auto& item) { return item.iteration > iteration; };
    points_.removeIf(after);
    markers_.removeIf(after);
    weights_.removeIf(after);
    update();
}

void LossCurveView::clear() {
    points_.clear();
    markers_.clear();
    weights_.clear();
    update();
}

void LossCurveView::setRelative(bool relative) {
    relative_ = relative;
    update();
}

const LossCurveView::Weights* LossCurveView::weightsAt(int iteration) const {
    // A weight set at iteration i applies from the step after i.
    const Weights* found = weights_.isEmpty() ? nullptr : &weights_.first();
    for (const Weights& weights : weights_) {
        if (weights.iteration < iteration) {
            found = &weights;
        }
    }
    return found;
}

double LossCurveView::shownValue(Series series, int index) const {
    const Point& point = points_.at(index);
    const int term = int(series);
    if (!relative_) {
        return point.values[term] > 0.0 ? point.values[term] : NAN;
    }
    // Every term at the weights of the start (unweighted, then weighted as then), divided by
    // its first value; the total is the sum of the terms so re-weighted.
    const Point& first = points_.first();
    const Weights* start = weightsAt(first.iteration);
    const Weights* now = weightsAt(point.iteration);
    const auto reweighted = [&](const Point& at, int t) {
        if (start == nullptr || now == nullptr || now->values[t] <= 0.0) {
            return at.values[t];
        }
        return at.values[t] / now->values[t] * start->values[t];
    };
    double value = 0.0;
    double startValue = 0.0;
    if (series == Series::Total) {
        for (int t = 1; t < kSeriesCount; ++t) {
            value += reweighted(point, t);
            startValue += first.values[t];
        }
    } else {
        value = reweighted(point, term);
        startValue = first.values[term];
    }
    return value > 0.0 && startValue > 0.0 ? value / startValue : NAN;
}

std::optional<QPointF> LossCurveView::plotPosition(int iteration, double value) const {
    const std::optional<Axes> found = axes();
    return found ? positionIn(*found, iteration, value) : std::nullopt;
}

std::optional<QPointF> LossCurveView::positionIn(const Axes& a, int iteration, double value) {
    if (!(value > 0.0) || !std::isfinite(value)) {
        return std::nullopt;
    }
    const double x = a.plot.left() + (iteration - a.firstIteration) /
                                         (a.lastIteration - a.firstIteration) * a.plot.width();
    const double y = a.plot.bottom() - (std::log10(value) - a.logMinimum) /
                                           (a.logMaximum - a.logMinimum) * a.plot.height();
    return QPointF(x, y);
}

QString LossCurveView::toolTipAt(QPointF widgetPoint) const {
    const std::optional<Axes> found = axes();
    if (!found || points_.isEmpty() ||
        !found->plot.adjusted(-kMarkerHoverDistance, 0, kMarkerHoverDistance, 0)
             .contains(widgetPoint)) {
        return {};
    }
    const Axes& a = *found;
    const double iteration = a.firstIteration + (widgetPoint.x() - a.plot.left()) / a.plot.width() *
                                                    (a.lastIteration - a.firstIteration);
    const auto nearestAt = std::min_element(
        points_.begin(), points_.end(), [iteration](const Point& left, const Point& right) {
            return std::abs(left.iteration - iteration) < std::abs(right.iteration - iteration);
        });
    const Point& nearest = *nearestAt;
    const int nearestIndex = int(nearestAt - points_.begin());
    QStringList lines{tr("Iteration %1").arg(nearest.iteration)};
    for (int series = 0; series < kSeriesCount; ++series) {
        const QString value =
            relative_
                ? tr("%1 of the start").arg(shownValue(Series(series), nearestIndex), 0, 'g', 3)
                : QString::number(nearest.values[series], 'g', 4);
        lines.append(QStringLiteral("%1: %2").arg(seriesName(Series(series)), value));
    }
    const double pixelsPerIteration = a.plot.width() / (a.lastIteration - a.firstIteration);
    for (const Marker& marker : markers_) {
        if (std::abs(marker.iteration - iteration) * pixelsPerIteration <= kMarkerHoverDistance) {
            lines.append(tr("Iteration %1: %2").arg(marker.iteration).arg(marker.label));
        }
    }
    return lines.join('\n');
}

bool LossCurveView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            // Valid only over this column, so moving along the curve asks again.
            const QRect column(help->pos().x() - 2, 0, 5, height());
            QToolTip::showText(help->globalPos(), text, this, column);
        }
        return true;
    }
    return QWidget::event(event);
}

void LossCurveView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    const std::optional<Axes> found = axes();
    if (!found) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("The losses appear here while the picture forms."));
        return;
    }
    paintGrid(painter, *found);
    paintMarkers(painter, *found);
    paintSeries(painter, *found);
    paintLegend(painter, *found);
}

std::optional<LossCurveView::Axes> LossCurveView::axes() const {
    double smallest = INFINITY;
    double largest = 0.0;
    for (int index = 0; index < points_.size(); ++index) {
        for (int series = 0; series < kSeriesCount; ++series) {
            const double value = shownValue(Series(series), index);
            if (value > 0.0 && std::isfinite(value)) {
                smallest = std::min(smallest, value);
                largest = std::max(largest, value);
            }
        }
    }
    if (largest <= 0.0) {
        return std::nullopt;
    }
    Axes a;
    a.logMinimum = std::floor(std::log10(smallest));
    a.logMaximum = std::max(std::ceil(std::log10(largest)), a.logMinimum + 1.0);

    a.firstIteration = points_.front().iteration;
    a.lastIteration = a.firstIteration;
    for (const Point& point : points_) {
        a.firstIteration = std::min<double>(a.firstIteration, point.iteration);
        a.lastIteration = std::max<double>(a.lastIteration, point.iteration);
    }
    a.lastIteration = std::max(a.lastIteration, a.firstIteration + 10.0);

    const QFontMetrics metrics = fontMetrics();
    const int labelWidth = std::max(metrics.horizontalAdvance(decadeLabel(int(a.logMinimum))),
                                    metrics.horizontalAdvance(decadeLabel(int(a.logMaximum))));
    const double left = labelWidth + 10;
    const double top = metrics.height() + 10;  // the legend's row
    const double bottom = metrics.height() + 8;
    a.plot = QRectF(left, top, width() - left - 12, height() - top - bottom);
    if (a.plot.width() < 10 || a.plot.height() < 10) {
        return std::nullopt;
    }
    return a;
}

QColor LossCurveView::seriesColour(Series series) const {
    // Okabe-Ito colours; their lighter variants on dark backgrounds.
    const bool dark = palette().color(QPalette::Base).lightnessF() < 0.5;
    switch (series) {
        case Series::Total:
            return palette().color(QPalette::Text);
        case Series::Content:
            return dark ? QColor(0x56, 0xB4, 0xE9) : QColor(0x00, 0x72, 0xB2);
        case Series::Style:
            return QColor(0xE6, 0x9F, 0x00);
        case Series::Smoothness:
            return dark ? QColor(0x2E, 0xC4, 0x96) : QColor(0x00, 0x9E, 0x73);
    }
    return palette().color(QPalette::Text);
}

void LossCurveView::paintGrid(QPainter& painter, const Axes& a) const {
    QColor line = palette().color(QPalette::Text);
    line.setAlphaF(0.15);
    QColor minorLine = line;
    minorLine.setAlphaF(0.06);
    const QColor text = palette().color(QPalette::PlaceholderText);
    const QFontMetrics metrics = painter.fontMetrics();

    const int decades = int(a.logMaximum - a.logMinimum);
    const int labelEvery =
        std::max(1, int(std::ceil(decades * metrics.height() * 1.5 / a.plot.height())));
    for (int exponent = int(a.logMinimum); exponent <= int(a.logMaximum); ++exponent) {
        const double y = positionIn(a, int(a.firstIteration), std::pow(10.0, exponent))->y();
        painter.setPen(line);
        painter.drawLine(QPointF(a.plot.left(), y), QPointF(a.plot.right(), y));
        if ((exponent - int(a.logMinimum)) % labelEvery == 0) {
            painter.setPen(text);
            painter.drawText(
                QRectF(0, y - metrics.height() / 2.0, a.plot.left() - 6, metrics.height()),
                Qt::AlignRight | Qt::AlignVCenter, decadeLabel(exponent));
        }
        if (decades <= 3 && exponent < int(a.logMaximum)) {
            painter.setPen(minorLine);
            for (int multiple = 2; multiple <= 9; ++multiple) {
                const double minorY =
                    positionIn(a, int(a.firstIteration), multiple * std::pow(10.0, exponent))->y();
                painter.drawLine(QPointF(a.plot.left(), minorY), QPointF(a.plot.right(), minorY));
            }
        }
    }

    const double span = a.lastIteration - a.firstIteration;
    const int maximumTicks =
        std::max(2, int(a.plot.width() / (metrics.horizontalAdvance("00000") + 12)));
    const double step = niceStep(span / maximumTicks);
    for (double tick = std::ceil(a.firstIteration / step) * step; tick <= a.lastIteration;
         tick += step) {
        const double x = a.plot.left() + (tick - a.firstIteration) / span * a.plot.width();
        painter.setPen(line);
        painter.drawLine(QPointF(x, a.plot.top()), QPointF(x, a.plot.bottom()));
        painter.setPen(text);
        painter.drawText(QRectF(x - 40, a.plot.bottom() + 2, 80, metrics.height()),
                         Qt::AlignHCenter | Qt::AlignTop, QString::number(qint64(tick)));
    }
}

void LossCurveView::paintSeries(QPainter& painter, const Axes& a) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setClipRect(a.plot.adjusted(-2, -2, 2, 2));
    // Back to front, so the total stays visible where curves overlap.
    for (int series = kSeriesCount - 1; series >= 0; --series) {
        QPainterPath path;
        bool drawing = false;
        for (int index = 0; index < points_.size(); ++index) {
            const std::optional<QPointF> at =
                positionIn(a, points_[index].iteration, shownValue(Series(series), index));
            if (!at) {
                drawing = false;  // a gap where the term was switched off
            } else if (drawing) {
                path.lineTo(*at);
            } else {
                path.moveTo(*at);
                path.lineTo(*at);  // a lone point still shows as a dot
                drawing = true;
            }
        }
        QPen pen(seriesColour(Series(series)), series == int(Series::Total) ? 2.2 : 1.6);
        pen.setCapStyle(Qt::RoundCap);
        pen.setJoinStyle(Qt::RoundJoin);
        if (series == int(Series::Smoothness)) {
            pen.setStyle(Qt::DashLine);  // a second cue beside colour
        }
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
    }
    painter.restore();
}

QList<LossCurveView::PlacedLabel> LossCurveView::placeLabels(const Axes& a) const {
    constexpr int kRows = 3;
    constexpr double kGap = 6.0;
    const QFontMetrics metrics = fontMetrics();
    QList<PlacedLabel> placed;
    double rowEnds[kRows];
    std::fill(std::begin(rowEnds), std::end(rowEnds), -INFINITY);
    for (int index = 0; index < markers_.size(); ++index) {
        const Marker& marker = markers_[index];
        if (marker.iteration < a.firstIteration || marker.iteration > a.lastIteration) {
            continue;
        }
        const double x = a.plot.left() + (marker.iteration - a.firstIteration) /
                                             (a.lastIteration - a.firstIteration) * a.plot.width();
        const QString text = metrics.elidedText(marker.label, Qt::ElideRight, 160);
        const double width = metrics.horizontalAdvance(text) + 2.0;
        // Right of the line, or left of it where the plot ends.
        const double left = x + 3 + width <= a.plot.right() ? x + 3 : x - 3 - width;
        if (left < a.plot.left()) {
            continue;
        }
        for (int row = 0; row < kRows; ++row) {
            if (left >= rowEnds[row] + kGap) {
                rowEnds[row] = left + width;
                placed.append({index, QRectF(left, a.plot.top() + 2 + row * metrics.height(), width,
                                             metrics.height())});
                break;
            }
        }
    }
    return placed;
}

QList<QRectF> LossCurveView::markerLabelRects() const {
    QList<QRectF> rects;
    if (const std::optional<Axes> found = axes()) {
        for (const PlacedLabel& label : placeLabels(*found)) {
            rects.append(label.rect);
        }
    }
    return rects;
}

void LossCurveView::paintMarkers(QPainter& painter, const Axes& a) const {
    QPen pen(palette().color(QPalette::PlaceholderText), 1, Qt::DotLine);
    painter.setPen(pen);
    for (const Marker& marker : markers_) {
        if (marker.iteration < a.firstIteration || marker.iteration > a.lastIteration) {
            continue;
        }
        const double x = a.plot.left() + (marker.iteration - a.firstIteration) /
                                             (a.lastIteration - a.firstIteration) * a.plot.width();
        painter.drawLine(QPointF(x, a.plot.top()), QPointF(x, a.plot.bottom()));
    }
    const QFontMetrics metrics = painter.fontMetrics();
    QColor background = palette().color(QPalette::Base);
    background.setAlphaF(0.8);
    for (const PlacedLabel& label : placeLabels(a)) {
        painter.fillRect(label.rect, background);
        painter.drawText(label.rect, Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(markers_[label.marker].label, Qt::ElideRight, 160));
    }
}

void LossCurveView::paintLegend(QPainter& painter, const Axes& a) const {
    const QFontMetrics metrics = painter.fontMetrics();
    double x = a.plot.left();
    const double y = 4 + metrics.height() / 2.0;
    for (int series = 0; series < kSeriesCount; ++series) {
        const bool shown = std::any_of(points_.begin(), points_.end(),
                                       [series](const Point& p) { return p.values[series] > 0.0; });
        if (!shown) {
            continue;
        }
        QPen pen(seriesColour(Series(series)), 2.2);
        if (series == int(Series::Smoothness)) {
            pen.setStyle(Qt::DashLine);
        }
        painter.setPen(pen);
        painter.drawLine(QPointF(x, y), QPointF(x + 16, y));
        painter.setPen(palette().color(QPalette::Text));
        const QString name = seriesName(Series(series));
        painter.drawText(QPointF(x + 20, y + metrics.ascent() / 2.0 - 1), name);
        x += 20 + metrics.horizontalAdvance(name) + 14;
    }
}

}  // namespace impasto::ui

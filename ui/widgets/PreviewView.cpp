#include "ui/widgets/PreviewView.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace impasto::ui {

namespace {

constexpr double kSplitGrabDistance = 6.0;  // logical pixels either side of the split line
constexpr double kKeyPanFraction = 0.1;     // of the view, per arrow key press

}  // namespace

PreviewView::PreviewView(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);  // paintEvent fills every pixel: no flicker
    setMouseTracking(true);                 // for the split's and the hand's cursors
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Preview"));
    setAccessibleDescription(
        tr("Scroll to zoom, drag to pan, double-click to switch between fit and 100%. "
           "Keys: + and - zoom, 0 fits the window, 1 shows actual size, arrows pan."));
}

void PreviewView::setImage(const QImage& image) {
    const QSize oldSize = image_.size();
    image_ = image;
    if (image_.isNull()) {
        update();
        return;
    }
    if (fit_) {
        centre_ = QPointF(image_.width() / 2.0, image_.height() / 2.0);
        setZoom(fitZoom());
    } else if (oldSize.isEmpty()) {
        centre_ = QPointF(image_.width() / 2.0, image_.height() / 2.0);
    } else if (oldSize != image_.size()) {
        const double scaleX = double(image_.width()) / oldSize.width();
        const double scaleY = double(image_.height()) / oldSize.height();
        centre_ = QPointF(centre_.x() * scaleX, centre_.y() * scaleY);
        setZoom(std::clamp(zoom_ / scaleX, kMinimumZoom, kMaximumZoom));
    }
    clampCentre();
    update();
}

void PreviewView::setComparisonImage(const QImage& before) {
    comparison_ = before;
    if (comparisonEnabled_) {
        update();
    }
}

void PreviewView::setComparisonEnabled(bool enabled) {
    comparisonEnabled_ = enabled;
    update();
}

void PreviewView::setSplitPosition(double fraction) {
    split_ = std::clamp(fraction, 0.0, 1.0);
    update();
}

void PreviewView::zoomIn() {
    zoomAbout(zoom_ * kZoomStep, rect().center());
}

void PreviewView::zoomOut() {
    zoomAbout(zoom_ / kZoomStep, rect().center());
}

void PreviewView::fitToWindow() {
    fit_ = true;
    centre_ = QPointF(image_.width() / 2.0, image_.height() / 2.0);
    setZoom(fitZoom());
    update();
}

void PreviewView::showActualSize() {
    zoomAbout(1.0, rect().center());
}

void PreviewView::setOverlay(const QImage& overlay) {
    overlay_ = overlay;
    update();
}

void PreviewView::setOverlayVisible(bool visible) {
    overlayVisible_ = visible;
    update();
}

void PreviewView::setMaskMode(bool on) {
    maskMode_ = on;
    drag_ = Drag::None;
    brushAt_.reset();
    if (on) {
        setCursor(Qt::CrossCursor);
    } else {
        unsetCursor();
    }
    update();
}

void PreviewView::setBrushDiameter(double fractionOfWidth) {
    brushDiameter_ = fractionOfWidth;
    update();
}

void PreviewView::setPlaceholderText(const QString& text) {
    placeholder_ = text;
    if (image_.isNull()) {
        update();
    }
}

QPointF PreviewView::widgetPosition(QPointF imagePoint) const {
    const double scale = zoom_ / devicePixelRatioOfView();
    return imageRect().topLeft() + imagePoint * scale;
}

QPointF PreviewView::imagePosition(QPointF widgetPoint) const {
    const double scale = zoom_ / devicePixelRatioOfView();
    return (widgetPoint - imageRect().topLeft()) / scale;
}

void PreviewView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    if (image_.isNull()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                         placeholder_);
        return;
    }
    if (comparisonEnabled_ && !comparison_.isNull()) {
        const double splitX = split_ * width();
        paintImage(painter, comparison_, comparisonCache_, QRectF(0, 0, splitX, height()));
        paintImage(painter, image_, imageCache_, QRectF(splitX, 0, width() - splitX, height()));
        paintSplit(painter);
    } else {
        paintImage(painter, image_, imageCache_, rect());
    }
    if (overlayVisible_ && !overlay_.isNull()) {
        painter.setRenderHint(QPainter::SmoothPixmapTransform, zoom_ < 2.0);
        painter.drawImage(imageRect(), overlay_);
    }
    if (maskMode_ && brushAt_) {
        paintBrush(painter);
    }
}

void PreviewView::paintBrush(QPainter& painter) const {
    const double radius = brushDiameter_ * imageRect().width() / 2.0;
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    // Black and white, so the circle shows on any picture.
    painter.setPen(QPen(Qt::black, 3));
    painter.drawEllipse(*brushAt_, radius, radius);
    painter.setPen(QPen(Qt::white, 1));
    painter.drawEllipse(*brushAt_, radius, radius);
}

QPointF PreviewView::imageFraction(QPointF widgetPoint) const {
    const QPointF point = imagePosition(widgetPoint);
    return {point.x() / image_.width(), point.y() / image_.height()};
}

void PreviewView::resizeEvent(QResizeEvent*) {
    if (fit_) {
        setZoom(fitZoom());
        centre_ = QPointF(image_.width() / 2.0, image_.height() / 2.0);
    }
    clampCentre();
}

void PreviewView::mousePressEvent(QMouseEvent* event) {
    if (maskMode_ && !image_.isNull()) {
        if (event->button() == Qt::LeftButton) {
            drag_ = Drag::Paint;
            Q_EMIT strokeStarted(imageFraction(event->position()));
        } else {
            drag_ = Drag::Pan;
            lastDragPoint_ = event->position();
        }
        return;
    }
    if (event->button() != Qt::LeftButton || image_.isNull()) {
        QWidget::mousePressEvent(event);
        return;
    }
    drag_ = nearSplit(event->position()) ? Drag::Split : Drag::Pan;
    lastDragPoint_ = event->position();
    setCursor(drag_ == Drag::Split ? Qt::SplitHCursor : Qt::ClosedHandCursor);
}

void PreviewView::mouseMoveEvent(QMouseEvent* event) {
    const QPointF point = event->position();
    if (maskMode_) {
        brushAt_ = point;
        update();
    }
    if (drag_ == Drag::Paint) {
        Q_EMIT strokeMoved(imageFraction(point));
    } else if (drag_ == Drag::Split) {
        setSplitPosition(width() > 0 ? point.x() / width() : 0.5);
    } else if (drag_ == Drag::Pan) {
        const QPointF before = centre_;
        centre_ -= (point - lastDragPoint_) * devicePixelRatioOfView() / zoom_;
        clampCentre();
        if (centre_ != before) {
            fit_ = false;
            update();
        }
    } else if (!maskMode_) {
        updateCursor(point);
    }
    lastDragPoint_ = point;
}

void PreviewView::mouseReleaseEvent(QMouseEvent* event) {
    if (maskMode_) {
        if (drag_ == Drag::Paint && event->button() == Qt::LeftButton) {
            Q_EMIT strokeFinished();
        }
        drag_ = Drag::None;
        return;
    }
    if (event->button() == Qt::LeftButton) {
        drag_ = Drag::None;
        updateCursor(event->position());
    }
}

void PreviewView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || image_.isNull() || nearSplit(event->position()) ||
        maskMode_) {
        return;
    }
    if (fit_) {
        zoomAbout(1.0, event->position());
    } else {
        fitToWindow();
    }
}

void PreviewView::wheelEvent(QWheelEvent* event) {
    const QPoint delta = event->angleDelta();
    const int steps = delta.y() != 0 ? delta.y() : delta.x();
    if (image_.isNull() || steps == 0) {
        event->ignore();
        return;
    }
    // 120 units are one notch; touchpads send fractions of it.
    zoomAbout(zoom_ * std::pow(kZoomStep, steps / 120.0), event->position());
    event->accept();
}

void PreviewView::keyPressEvent(QKeyEvent* event) {
    const double panX = width() * kKeyPanFraction * devicePixelRatioOfView() / zoom_;
    const double panY = height() * kKeyPanFraction * devicePixelRatioOfView() / zoom_;
    QPointF pan;
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomIn();
            return;
        case Qt::Key_Minus:
            zoomOut();
            return;
        case Qt::Key_0:
            fitToWindow();
            return;
        case Qt::Key_1:
            showActualSize();
            return;
        case Qt::Key_Left:
            pan = {-panX, 0};
            break;
        case Qt::Key_Right:
            pan = {panX, 0};
            break;
        case Qt::Key_Up:
            pan = {0, -panY};
            break;
        case Qt::Key_Down:
            pan = {0, panY};
            break;
        default:
            QWidget::keyPressEvent(event);
            return;
    }
    const QPointF before = centre_;
    centre_ += pan;
    clampCentre();
    if (centre_ != before) {
        fit_ = false;
        update();
    }
}

void PreviewView::changeEvent(QEvent* event) {
    // On a screen with another pixel ratio, "fit" needs another zoom (zoom counts device pixels).
    if (event->type() == QEvent::ScreenChangeInternal && fit_) {
        fitToWindow();
    }
    QWidget::changeEvent(event);
}

void PreviewView::leaveEvent(QEvent* event) {
    if (brushAt_) {
        brushAt_.reset();
        update();
    }
    QWidget::leaveEvent(event);
}

double PreviewView::devicePixelRatioOfView() const {
    return devicePixelRatioF();
}

double PreviewView::fitZoom() const {
    if (image_.isNull() || width() <= 0 || height() <= 0) {
        return 1.0;
    }
    const double ratio = devicePixelRatioOfView();
    const double zoom =
        std::min(width() * ratio / image_.width(), height() * ratio / image_.height());
    return std::clamp(zoom, kMinimumZoom, kMaximumZoom);
}

void PreviewView::zoomAbout(double zoom, QPointF anchor) {
    if (image_.isNull()) {
        return;
    }
    const QPointF anchored = imagePosition(anchor);
    fit_ = false;
    setZoom(std::clamp(zoom, kMinimumZoom, kMaximumZoom));
    const QPointF fromCentre = anchor - QPointF(width() / 2.0, height() / 2.0);
    centre_ = anchored - fromCentre * devicePixelRatioOfView() / zoom_;
    clampCentre();
    update();
}

void PreviewView::setZoom(double zoom) {
    if (zoom != zoom_) {
        zoom_ = zoom;
        Q_EMIT zoomChanged(zoom_);
    }
}

void PreviewView::clampCentre() {
    if (image_.isNull()) {
        return;
    }
    const double scale = zoom_ / devicePixelRatioOfView();
    const auto clampAxis = [scale](double centre, double imageLength, double viewLength) {
        if (imageLength * scale <= viewLength) {
            return imageLength / 2.0;
        }
        const double half = viewLength / 2.0 / scale;
        return std::clamp(centre, half, imageLength - half);
    };
    centre_ = QPointF(clampAxis(centre_.x(), image_.width(), width()),
                      clampAxis(centre_.y(), image_.height(), height()));
}

bool PreviewView::nearSplit(QPointF widgetPoint) const {
    return comparisonEnabled_ && !comparison_.isNull() && !image_.isNull() &&
           std::abs(widgetPoint.x() - split_ * width()) <= kSplitGrabDistance;
}

QRectF PreviewView::imageRect() const {
    const double ratio = devicePixelRatioOfView();
    const double scale = zoom_ / ratio;
    const QPointF topLeft = QPointF(width() / 2.0, height() / 2.0) - centre_ * scale;
    // On whole device pixels, so that 100% maps pixels one to one instead of blurring them.
    const QPointF snapped(std::round(topLeft.x() * ratio) / ratio,
                          std::round(topLeft.y() * ratio) / ratio);
    return {snapped, QSizeF(image_.width() * scale, image_.height() * scale)};
}

void PreviewView::paintImage(QPainter& painter, const QImage& image, ScaledImage& cache,
                             const QRectF& clip) const {
    const QRectF target = imageRect();
    const QRectF visible = target.intersected(clip);
    if (visible.isEmpty()) {
        return;
    }
    const QImage* drawn = &image;
    if (zoom_ < 1.0) {
        const QSize size(std::max(1, int(std::lround(image_.width() * zoom_))),
                         std::max(1, int(std::lround(image_.height() * zoom_))));
        if (cache.key != image.cacheKey() || cache.size != size) {
            cache = {image.cacheKey(), size,
                     image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)};
        }
        drawn = &cache.image;
    }
    const double sourceX = drawn->width() / target.width();
    const double sourceY = drawn->height() / target.height();
    const QRectF source((visible.x() - target.x()) * sourceX, (visible.y() - target.y()) * sourceY,
                        visible.width() * sourceX, visible.height() * sourceY);
    // Between 100% and 200% smooth scaling still looks better; from 200% on, pixels are shown
    // as the crisp squares an artist inspecting detail expects.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, zoom_ < 2.0 && zoom_ != 1.0);
    painter.drawImage(visible, *drawn, source);
}

void PreviewView::paintSplit(QPainter& painter) const {
    const double x = split_ * width();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
    painter.drawLine(QPointF(x, 0), QPointF(x, height()));

    // A round handle with two arrowheads says "drag me sideways".
    const QPointF middle(x, height() / 2.0);
    painter.setBrush(palette().color(QPalette::Highlight));
    painter.drawEllipse(middle, 11, 11);
    painter.setPen(Qt::NoPen);
    painter.setBrush(palette().color(QPalette::HighlightedText));
    QPainterPath arrows;
    arrows.addPolygon(
        QPolygonF({middle + QPointF(-8, 0), middle + QPointF(-3, -5), middle + QPointF(-3, 5)}));
    arrows.addPolygon(
        QPolygonF({middle + QPointF(8, 0), middle + QPointF(3, -5), middle + QPointF(3, 5)}));
    painter.drawPath(arrows);

    // Which side is which.
    const QFontMetrics metrics = painter.fontMetrics();
    const auto label = [&](const QString& text, bool left) {
        const QSize size = metrics.size(Qt::TextSingleLine, text) + QSize(12, 6);
        const QRectF box(left ? x - size.width() - 8 : x + 8, 8, size.width(), size.height());
        QColor background = palette().color(QPalette::Window);
        background.setAlphaF(0.8);
        painter.setPen(Qt::NoPen);
        painter.setBrush(background);
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(box, Qt::AlignCenter, text);
    };
    label(tr("Before"), true);
    label(tr("After"), false);
}

void PreviewView::updateCursor(QPointF widgetPoint) {
    if (nearSplit(widgetPoint)) {
        setCursor(Qt::SplitHCursor);
    } else if (!image_.isNull() &&
               (imageRect().width() > width() + 0.5 || imageRect().height() > height() + 0.5)) {
        setCursor(Qt::OpenHandCursor);
    } else {
        unsetCursor();
    }
}

}  // namespace impasto::ui

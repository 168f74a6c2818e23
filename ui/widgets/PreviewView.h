#pragma once

#include <QImage>
#include <QPointF>
#include <QWidget>

#include <optional>

namespace impasto::ui {

// Shows the picture being made, with zoom and pan. Zoom is in device pixels per image pixel, so
// 100% (zoom 1) shows every image pixel on exactly one screen pixel on HiDPI screens too. Mouse
// drag pans, the wheel zooms about the cursor, a double-click toggles between fitting the window
// and 100%; keys: +/- zoom, 0 fit, 1 100%, arrows pan. With comparison enabled, a draggable
// vertical split shows the "before" image (scaled to the current image's size) on its left.
// Drops are left to the main window.
// In mask mode the left button paints instead (strokeStarted/Moved/Finished, at points given
// as fractions of the image's width and height) and the right or middle button pans; a circle
// shows the brush. The masks' overlay is drawn over the picture, stretched to its size.
class PreviewView : public QWidget {
    Q_OBJECT

public:
    explicit PreviewView(QWidget* parent = nullptr);

    // Keeps zoom and pan for an image of the same size; for a new size, keeps fitting the window
    // or else shows the same part of the picture (same relative centre and on-screen scale).
    void setImage(const QImage& image);
    QImage image() const { return image_; }

    void setComparisonImage(const QImage& before);
    QImage comparisonImage() const { return comparison_; }
    void setComparisonEnabled(bool enabled);
    bool comparisonEnabled() const { return comparisonEnabled_; }
    // The split's x as a fraction of the widget's width (0..1).
    double splitPosition() const { return split_; }
    void setSplitPosition(double fraction);

    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void showActualSize();
    double zoom() const { return zoom_; }
    bool fitsWindow() const { return fit_; }

    // A half-transparent picture of the masks over the image (any size: stretched to it).
    void setOverlay(const QImage& overlay);
    QImage overlay() const { return overlay_; }
    void setOverlayVisible(bool visible);
    bool overlayVisible() const { return overlayVisible_; }
    void setMaskMode(bool on);
    bool maskMode() const { return maskMode_; }
    // The brush's diameter as a fraction of the image's width, for the circle under the mouse.
    void setBrushDiameter(double fractionOfWidth);

    void setPlaceholderText(const QString& text);
    QString placeholderText() const { return placeholder_; }

    // Where image point `imagePoint` is shown, in widget (logical) coordinates, and back.
    QPointF widgetPosition(QPointF imagePoint) const;
    QPointF imagePosition(QPointF widgetPoint) const;

    QSize sizeHint() const override { return {640, 480}; }
    QSize minimumSizeHint() const override { return {160, 120}; }

    static constexpr double kMinimumZoom = 1.0 / 32.0;
    static constexpr double kMaximumZoom = 32.0;
    static constexpr double kZoomStep = 1.25;

Q_SIGNALS:
    void zoomChanged(double zoom);
    void strokeStarted(QPointF imageFraction);
    void strokeMoved(QPointF imageFraction);
    void strokeFinished();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    enum class Drag { None, Pan, Split, Paint };

    double devicePixelRatioOfView() const;
    double fitZoom() const;
    // Zooms to `zoom` keeping the image point under `anchor` (widget coordinates) in place.
    void zoomAbout(double zoom, QPointF anchor);
    void setZoom(double zoom);
    // Keeps the picture on screen: centred along an axis where it is smaller than the view,
    // edges no further in than the view's edges where it is larger.
    void clampCentre();
    bool nearSplit(QPointF widgetPoint) const;
    QRectF imageRect() const;  // where the whole image is drawn, widget coordinates
    struct ScaledImage {
        qint64 key = 0;
        QSize size;
        QImage image;
    };
    // Draws `image` stretched over imageRect(), only within `clip`. Below 100% it draws a copy
    // shrunk with area averaging (kept in `cache`), which QPainter's bilinear sampling is not.
    void paintImage(QPainter& painter, const QImage& image, ScaledImage& cache,
                    const QRectF& clip) const;
    void paintSplit(QPainter& painter) const;
    void updateCursor(QPointF widgetPoint);
    QPointF imageFraction(QPointF widgetPoint) const;
    void paintBrush(QPainter& painter) const;

    QImage image_;
    QImage comparison_;
    bool comparisonEnabled_ = false;
    double split_ = 0.5;
    double zoom_ = 1.0;
    bool fit_ = true;
    QPointF centre_;  // the image point shown at the widget's centre
    QString placeholder_;
    QImage overlay_;
    bool overlayVisible_ = true;
    bool maskMode_ = false;
    double brushDiameter_ = 0.05;
    std::optional<QPointF> brushAt_;  // widget point under the mouse in mask mode
    Drag drag_ = Drag::None;
    QPointF lastDragPoint_;
    mutable ScaledImage imageCache_;
    mutable ScaledImage comparisonCache_;
};

}  // namespace impasto::ui

#pragma once

// Mask brush strokes as the mouse sends them over a PreviewView, and a mask's pixel under a
// point, for the suites that paint masks. Header-only: the support library does not link the ui.
#include <QApplication>
#include <QMouseEvent>
#include <QPointF>

#include <algorithm>

#include "core/image/Mask.h"
#include "ui/widgets/PreviewView.h"

namespace impasto::test {

// A left-button drag over `view` from one point of the picture to another (fractions of its
// width and height), in eight moves, as the mouse sends it.
inline void drag(ui::PreviewView* view, QPointF from, QPointF to) {
    const auto at = [view](QPointF fraction) {
        const QImage image = view->image();
        return view->widgetPosition(
            QPointF(fraction.x() * image.width(), fraction.y() * image.height()));
    };
    const auto send = [view](QEvent::Type type, QPointF point, Qt::MouseButtons buttons) {
        QMouseEvent event(type, point, view->mapToGlobal(point), Qt::LeftButton, buttons,
                          Qt::NoModifier);
        QApplication::sendEvent(view, &event);
    };
    send(QEvent::MouseButtonPress, at(from), Qt::LeftButton);
    for (int step = 1; step <= 8; ++step) {
        send(QEvent::MouseMove, at(from + (to - from) * (step / 8.0)), Qt::LeftButton);
    }
    send(QEvent::MouseButtonRelease, at(to), Qt::NoButton);
}

// The mask's value at a point given as fractions of its width and height.
inline float valueAt(const Mask& mask, QPointF fraction) {
    const int x = std::min(mask.width() - 1, int(fraction.x() * mask.width()));
    const int y = std::min(mask.height() - 1, int(fraction.y() * mask.height()));
    return mask.values[size_t(y) * mask.width() + x];
}

}  // namespace impasto::test

#pragma once

#include <QImage>

#include <cmath>

namespace impasto::test {

// The mean absolute difference of two pictures' RGB values, 0 (same) to 1, after scaling `b`
// smoothly to `a`'s size. Header-only: the support library does not link Qt Gui.
inline double meanDifference(const QImage& a, const QImage& b) {
    const QImage first = a.convertToFormat(QImage::Format_RGB32);
    const QImage second = b.scaled(a.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                              .convertToFormat(QImage::Format_RGB32);
    double sum = 0.0;
    for (int y = 0; y < first.height(); ++y) {
        for (int x = 0; x < first.width(); ++x) {
            const QRgb p = first.pixel(x, y);
            const QRgb q = second.pixel(x, y);
            sum += std::abs(qRed(p) - qRed(q)) + std::abs(qGreen(p) - qGreen(q)) +
                   std::abs(qBlue(p) - qBlue(q));
        }
    }
    return sum / (3.0 * 255.0 * first.width() * first.height());
}

}  // namespace impasto::test

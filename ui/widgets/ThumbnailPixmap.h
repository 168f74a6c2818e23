#pragma once

#include <QImage>
#include <QPixmap>

namespace impasto::ui {

// `thumbnail` scaled (smoothly, keeping its aspect) to fit `longestSide` logical pixels at the
// screen's device pixel ratio, so thumbnails are sharp on HiDPI screens. Never enlarges.
QPixmap thumbnailPixmap(const QImage& thumbnail, int longestSide, qreal devicePixelRatio);

}  // namespace impasto::ui

#include "ui/widgets/ThumbnailPixmap.h"

#include <algorithm>
#include <cmath>

namespace impasto::ui {

QPixmap thumbnailPixmap(const QImage& thumbnail, int longestSide, qreal devicePixelRatio) {
    if (thumbnail.isNull()) {
        return {};
    }
    const int devicePixels = static_cast<int>(std::ceil(longestSide * devicePixelRatio));
    const int longest = std::max(thumbnail.width(), thumbnail.height());
    QImage scaled = longest > devicePixels
                        ? thumbnail.scaled(devicePixels, devicePixels, Qt::KeepAspectRatio,
                                           Qt::SmoothTransformation)
                        : thumbnail;
    QPixmap pixmap = QPixmap::fromImage(std::move(scaled));
    pixmap.setDevicePixelRatio(devicePixelRatio);
    return pixmap;
}

}  // namespace impasto::ui

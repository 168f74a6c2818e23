#include "ui/session/ImageConversion.h"

#include <QBuffer>
#include <QByteArray>

#include <algorithm>
#include <cmath>

#include "core/common/Error.h"
#include "core/image/ImageLoader.h"

namespace impasto::ui {

namespace {

uchar toByte(float sample) {
    return static_cast<uchar>(std::lround(std::clamp(sample, 0.0f, 1.0f) * 255.0f));
}

}  // namespace

QImage toQImage(const Image& image) {
    if (image.empty()) {
        return {};
    }
    QImage result(image.width(), image.height(),
                  image.hasAlpha() ? QImage::Format_RGBA8888 : QImage::Format_RGB888);
    for (int y = 0; y < image.height(); ++y) {
        uchar* out = result.scanLine(y);
        const size_t row = static_cast<size_t>(y) * image.width();
        for (int x = 0; x < image.width(); ++x) {
            const float* rgb = &image.rgb[(row + x) * 3];
            if (!image.hasAlpha()) {
                for (int c = 0; c < 3; ++c) {
                    *out++ = toByte(rgb[c]);
                }
                continue;
            }
            // The colour before it was composited over white: c = a * colour + (1 - a).
            const float alpha = image.alpha[row + x];
            for (int c = 0; c < 3; ++c) {
                *out++ = toByte((rgb[c] - (1.0f - alpha)) / std::max(alpha, 1e-6f));
            }
            *out++ = toByte(alpha);
        }
    }
    return result;
}

Image fromQImage(const QImage& image, const QString& name) {
    if (image.isNull()) {
        throw Error(name.toStdString() + " holds no image");
    }
    // PNG keeps 16-bit channels and alpha, so the engine's decoder sees what a file would give.
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    // Quality 100 is PNG's fastest, uncompressed setting: the bytes are decoded at once.
    if (!image.save(&buffer, "PNG", 100)) {
        throw Error("Cannot read " + name.toStdString() + ": its pixel format is not supported");
    }
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.constData());
    return decodeImage({data, static_cast<size_t>(bytes.size())}, name.toStdString()).image;
}

QImage scaledDown(const QImage& image, int longestSide) {
    if (image.isNull() || std::max(image.width(), image.height()) <= longestSide) {
        return image;
    }
    return image.scaled(longestSide, longestSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

}  // namespace impasto::ui

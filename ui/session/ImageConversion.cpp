#include "ui/session/ImageConversion.h"

#include <QBuffer>
#include <QByteArray>

#include <algorithm>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/image/ImageLoader.h"

namespace impasto::ui {

namespace {

// The colour a pixel had before it was composited over white: c = a * colour + (1 - a).
cv::Mat uncompositeFromWhite(const cv::Mat& rgb, const cv::Mat& alpha) {
    cv::Mat alpha3;
    cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, alpha3);
    cv::Mat colour = rgb - (cv::Scalar::all(1.0) - alpha3);
    cv::divide(colour, cv::max(alpha3, 1e-6), colour);
    return colour;
}

}  // namespace

QImage toQImage(const Image& image) {
    if (image.empty()) {
        return {};
    }
    const bool hasAlpha = !image.alpha.empty();
    cv::Mat pixels;
    if (hasAlpha) {
        cv::Mat rgba;
        cv::merge(std::vector<cv::Mat>{uncompositeFromWhite(image.rgb, image.alpha), image.alpha},
                  rgba);
        rgba.convertTo(pixels, CV_8UC4, 255.0);  // saturating: clamps to [0, 255]
    } else {
        image.rgb.convertTo(pixels, CV_8UC3, 255.0);
    }
    QImage result(pixels.cols, pixels.rows,
                  hasAlpha ? QImage::Format_RGBA8888 : QImage::Format_RGB888);
    const size_t rowBytes = pixels.cols * pixels.elemSize();
    for (int y = 0; y < pixels.rows; ++y) {
        std::memcpy(result.scanLine(y), pixels.ptr(y), rowBytes);
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

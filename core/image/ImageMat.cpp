#include "core/image/ImageMat.h"

#include "core/common/Error.h"

namespace impasto {

cv::Mat rgbView(Image& image) {
    return cv::Mat(image.height(), image.width(), CV_32FC3, image.rgb.data());
}

cv::Mat alphaView(Image& image) {
    if (!image.hasAlpha()) {
        return {};
    }
    return cv::Mat(image.height(), image.width(), CV_32FC1, image.alpha.data());
}

cv::Mat rgbView(const Image& image) {
    return rgbView(const_cast<Image&>(image));
}

cv::Mat alphaView(const Image& image) {
    return alphaView(const_cast<Image&>(image));
}

Image imageFromMats(const cv::Mat& rgb, const cv::Mat& alpha) {
    if (rgb.type() != CV_32FC3 ||
        (!alpha.empty() && (alpha.type() != CV_32FC1 || alpha.size() != rgb.size()))) {
        throw Error("Internal error: an image must be float RGB with a matching float alpha");
    }
    Image image(rgb.cols, rgb.rows, !alpha.empty());
    cv::Mat rgbTarget = rgbView(image);
    rgb.copyTo(rgbTarget);
    if (!alpha.empty()) {
        cv::Mat alphaTarget = alphaView(image);
        alpha.copyTo(alphaTarget);
    }
    return image;
}

}  // namespace impasto

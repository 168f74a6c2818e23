#include "bench/look/LookMeasures.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

#include "core/image/ImageMat.h"

namespace impasto::bench {

namespace {

cv::Mat luminance(const Image& image) {
    cv::Mat gray;
    cv::cvtColor(rgbView(image), gray, cv::COLOR_RGB2GRAY);
    return gray;
}

// 1 on the pixels whose distance to the nearest edge is in [from, to), else 0.
cv::Mat ringMask(cv::Size size, int from, int to) {
    cv::Mat mask(size, CV_8U, cv::Scalar(0));
    for (int y = 0; y < size.height; ++y) {
        for (int x = 0; x < size.width; ++x) {
            const int distance =
                std::min(std::min(x, size.width - 1 - x), std::min(y, size.height - 1 - y));
            mask.at<uint8_t>(y, x) = distance >= from && distance < to ? 1 : 0;
        }
    }
    return mask;
}

}  // namespace

double highFrequencyShare(const Image& image, RelativeArea area) {
    const cv::Mat gray = luminance(image);
    const cv::Rect rect(static_cast<int>(area.left * gray.cols),
                        static_cast<int>(area.top * gray.rows),
                        static_cast<int>((area.right - area.left) * gray.cols),
                        static_cast<int>((area.bottom - area.top) * gray.rows));
    cv::Mat patch = gray(rect).clone();
    patch -= cv::mean(patch)[0];
    cv::Mat window;
    cv::createHanningWindow(window, patch.size(), CV_32F);
    cv::Mat spectrum;
    cv::dft(patch.mul(window), spectrum, cv::DFT_COMPLEX_OUTPUT);
    double high = 0.0;
    double total = 0.0;
    for (int y = 0; y < spectrum.rows; ++y) {
        // Frequencies in cycles per pixel, folded: 0.5 is the Nyquist frequency.
        const double fy = std::min(y, spectrum.rows - y) / double(spectrum.rows);
        for (int x = 0; x < spectrum.cols; ++x) {
            const double fx = std::min(x, spectrum.cols - x) / double(spectrum.cols);
            const cv::Vec2f value = spectrum.at<cv::Vec2f>(y, x);
            const double power = double(value[0]) * value[0] + double(value[1]) * value[1];
            total += power;
            if (std::max(fx, fy) > 0.25) {
                high += power;
            }
        }
    }
    return total > 0.0 ? high / total : 0.0;
}

BorderMeasures borderMeasures(const Image& result, const Image& photo) {
    const cv::Mat resultRgb = rgbView(result);
    cv::Mat change;
    cv::absdiff(resultRgb, rgbView(photo), change);
    const cv::Mat edge = ringMask(resultRgb.size(), 0, 1);
    const cv::Mat inside = ringMask(resultRgb.size(), 4, 8);
    auto meanOf = [](const cv::Mat& values, const cv::Mat& mask) {
        const cv::Scalar mean = cv::mean(values, mask);
        return (mean[0] + mean[1] + mean[2]) / values.channels();
    };
    const cv::Mat resultLuminance = luminance(result);
    const cv::Mat photoLuminance = luminance(photo);
    BorderMeasures measures;
    measures.changeRatio = meanOf(change, edge) / std::max(meanOf(change, inside), 1e-9);
    measures.darkening = (meanOf(resultLuminance, inside) - meanOf(resultLuminance, edge)) -
                         (meanOf(photoLuminance, inside) - meanOf(photoLuminance, edge));
    return measures;
}

}  // namespace impasto::bench

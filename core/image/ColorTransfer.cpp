#include "core/image/ColorTransfer.h"

#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"

namespace impasto {

Image transferLuminance(const Image& stylized, const Image& colourSource) {
    if (stylized.rgb.size() != colourSource.rgb.size()) {
        throw Error("Colour preservation needs images of the same size");
    }
    cv::Mat stylizedYCrCb, sourceYCrCb;
    cv::cvtColor(stylized.rgb, stylizedYCrCb, cv::COLOR_RGB2YCrCb);
    cv::cvtColor(colourSource.rgb, sourceYCrCb, cv::COLOR_RGB2YCrCb);
    cv::Mat stylizedChannels[3], sourceChannels[3];
    cv::split(stylizedYCrCb, stylizedChannels);
    cv::split(sourceYCrCb, sourceChannels);
    cv::Mat merged;
    cv::merge(std::vector<cv::Mat>{stylizedChannels[0], sourceChannels[1], sourceChannels[2]},
              merged);
    Image result;
    cv::cvtColor(merged, result.rgb, cv::COLOR_YCrCb2RGB);
    cv::min(cv::max(result.rgb, 0.0), 1.0, result.rgb);
    result.alpha = stylized.alpha;
    return result;
}

}  // namespace impasto

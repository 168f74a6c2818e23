#include "core/image/AreaShrinker.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/Error.h"

namespace impasto {

AreaShrinker::AreaShrinker(int inputWidth, int inputHeight, int outputWidth, int outputHeight,
                           int channels)
    : inputWidth_(inputWidth), channels_(channels) {
    if (outputWidth <= 0 || outputHeight <= 0 || outputWidth > inputWidth ||
        outputHeight > inputHeight || channels < 1 || channels > 4) {
        throw Error("Cannot shrink " + std::to_string(inputWidth) + " x " +
                    std::to_string(inputHeight) + " pixels to " + std::to_string(outputWidth) +
                    " x " + std::to_string(outputHeight));
    }
    columnShares_ = sharesAlong(inputWidth, outputWidth);
    rowShares_ = sharesAlong(inputHeight, outputHeight);
    rowSums_.assign(static_cast<size_t>(outputWidth) * channels, 0.0f);
    sums_ = cv::Mat::zeros(outputHeight, outputWidth * channels, CV_64F);
}

std::vector<std::vector<AreaShrinker::Share>> AreaShrinker::sharesAlong(int input, int output) {
    // Input pixel i covers [i, i + 1); output pixel j covers [j * ratio, (j + 1) * ratio).
    const double ratio = static_cast<double>(input) / output;
    std::vector<std::vector<Share>> shares(static_cast<size_t>(input));
    for (int i = 0; i < input; ++i) {
        const int first = static_cast<int>(std::floor(i / ratio));
        for (int j = first; j < output && j * ratio < i + 1; ++j) {
            const double overlap =
                std::min<double>(i + 1, (j + 1) * ratio) - std::max<double>(i, j * ratio);
            if (overlap > 0.0) {
                shares[static_cast<size_t>(i)].push_back({j, static_cast<float>(overlap / ratio)});
            }
        }
    }
    return shares;
}

void AreaShrinker::addRow(const float* samples) {
    if (rowsAdded_ >= static_cast<int>(rowShares_.size())) {
        throw Error("An image gave more rows than its header says");
    }
    std::fill(rowSums_.begin(), rowSums_.end(), 0.0f);
    for (int x = 0; x < inputWidth_; ++x) {
        const float* pixel = samples + static_cast<size_t>(x) * channels_;
        for (const Share& share : columnShares_[static_cast<size_t>(x)]) {
            float* sum = rowSums_.data() + static_cast<size_t>(share.output) * channels_;
            for (int c = 0; c < channels_; ++c) {
                sum[c] += share.weight * pixel[c];
            }
        }
    }
    for (const Share& share : rowShares_[static_cast<size_t>(rowsAdded_)]) {
        double* sum = sums_.ptr<double>(share.output);
        for (size_t i = 0; i < rowSums_.size(); ++i) {
            sum[i] += static_cast<double>(share.weight) * rowSums_[i];
        }
    }
    ++rowsAdded_;
}

cv::Mat AreaShrinker::result() const {
    if (rowsAdded_ != static_cast<int>(rowShares_.size())) {
        throw Error("An image ended after " + std::to_string(rowsAdded_) + " of its " +
                    std::to_string(rowShares_.size()) + " rows");
    }
    cv::Mat shrunk;
    sums_.convertTo(shrunk, CV_32F);
    return shrunk.reshape(channels_);
}

}  // namespace impasto

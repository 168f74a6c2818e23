#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>

namespace impasto {

// Shrinks an image that arrives one row at a time by area averaging (each output pixel the
// mean of the input area it covers, fractions included, as cv::INTER_AREA does), so that a
// decoder streaming a large file holds the output and one input row, never the whole image.
class AreaShrinker {
public:
    // Throws impasto::Error unless 0 < output <= input on both sides and 1 <= channels <= 4.
    AreaShrinker(int inputWidth, int inputHeight, int outputWidth, int outputHeight, int channels);

    // The next input row, top to bottom: inputWidth * channels samples, interleaved.
    void addRow(const float* samples);
    // The shrunk image (CV_32F, `channels` channels) once every input row has been added.
    cv::Mat result() const;

private:
    // One input pixel's (or row's) share of one output pixel (or row).
    struct Share {
        int output = 0;
        float weight = 0.0f;
    };
    static std::vector<std::vector<Share>> sharesAlong(int input, int output);

    int inputWidth_;
    int channels_;
    int rowsAdded_ = 0;
    std::vector<std::vector<Share>> columnShares_;
    std::vector<std::vector<Share>> rowShares_;
    std::vector<float> rowSums_;  // the current input row, shrunk across
    cv::Mat sums_;                // CV_64F: rows of tiny weights summed without float32's drift
};

}  // namespace impasto

#include "core/style/ImageTensor.h"

#include "core/common/Error.h"

namespace impasto {

at::Tensor imageToTensor(const Image& image) {
    if (image.rgb.type() != CV_32FC3) {
        throw Error("Internal error: images must be float RGB");
    }
    const cv::Mat contiguous = image.rgb.isContinuous() ? image.rgb : image.rgb.clone();
    return at::from_blob(contiguous.data, {contiguous.rows, contiguous.cols, 3}, at::kFloat)
        .permute({2, 0, 1})
        .unsqueeze(0)
        .clone(at::MemoryFormat::Contiguous);
}

Image tensorToImage(const at::Tensor& tensor) {
    const at::Tensor pixels =
        tensor.squeeze(0).clamp(0.0, 1.0).permute({1, 2, 0}).contiguous().to(at::kCPU);
    const cv::Mat view(static_cast<int>(pixels.size(0)), static_cast<int>(pixels.size(1)), CV_32FC3,
                       pixels.data_ptr<float>());
    Image image;
    image.rgb = view.clone();
    return image;
}

}  // namespace impasto

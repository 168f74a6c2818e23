#include "core/model/Preprocessing.h"

#include <sstream>
#include <vector>

#include "core/common/Error.h"
#include "core/common/Text.h"

namespace impasto {

Preprocessing Preprocessing::caffe(float meanB, float meanG, float meanR) {
    Preprocessing p;
    p.channelOrder = ChannelOrder::Bgr;
    p.inputScale = 255.0f;
    p.mean = {meanB, meanG, meanR};
    return p;
}

Preprocessing Preprocessing::torchvision() {
    Preprocessing p;
    p.channelOrder = ChannelOrder::Rgb;
    p.inputScale = 1.0f;
    p.mean = {0.485f, 0.456f, 0.406f};
    p.stddev = {0.229f, 0.224f, 0.225f};
    return p;
}

Preprocessing Preprocessing::parse(const std::string& text) {
    if (text == "torchvision") {
        return torchvision();
    }
    const std::string prefix = "caffe-bgr:";
    if (text.rfind(prefix, 0) == 0 && text.back() != ',') {
        std::vector<double> mean;
        std::stringstream items(text.substr(prefix.size()));
        std::string item;
        bool valid = true;
        while (valid && std::getline(items, item, ',')) {
            const auto value = parseNumber(item);
            valid = value.has_value();
            mean.push_back(value.value_or(0.0));
        }
        if (valid && mean.size() == 3) {
            return caffe(static_cast<float>(mean[0]), static_cast<float>(mean[1]),
                         static_cast<float>(mean[2]));
        }
    }
    throw Error("Unknown preprocessing \"" + text +
                "\" (expected \"torchvision\" or \"caffe-bgr:B,G,R\")");
}

}  // namespace impasto

#include "core/model/Preprocessing.h"

#include <cstdio>
#include <sstream>

#include "core/common/Error.h"

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
    if (text.rfind(prefix, 0) == 0) {
        float b = 0, g = 0, r = 0;
        char tail = 0;
        if (std::sscanf(text.c_str() + prefix.size(), "%f,%f,%f%c", &b, &g, &r, &tail) == 3) {
            return caffe(b, g, r);
        }
    }
    throw Error("Unknown preprocessing \"" + text +
                "\" (expected \"torchvision\" or \"caffe-bgr:B,G,R\")");
}

std::string Preprocessing::toString() const {
    if (*this == torchvision()) {
        return "torchvision";
    }
    std::ostringstream out;
    out << "caffe-bgr:" << mean[0] << ',' << mean[1] << ',' << mean[2];
    return out.str();
}

}  // namespace impasto

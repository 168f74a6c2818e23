#pragma once

// The shared photos, paintings and SqueezeNet weights as the engine suites load them.
// Header-only: the support library does not link the image and model libraries.
#include "core/image/ImageLoader.h"
#include "core/model/ModelLoader.h"
#include "support/TestPaths.h"

namespace impasto::test {

// A picture from ../shared/images, its longest side at most `maxSide` px.
inline Image sharedPicture(const char* name, int maxSide) {
    ImageLoadOptions options;
    options.maxSide = maxSide;
    return loadImage(sharedImage(name).toStdString(), options).image;
}

inline LoadedModel sharedSqueezeNet() {
    return loadModel(sharedWeights("squeezenet1_1-features.safetensors").toStdString());
}

}  // namespace impasto::test

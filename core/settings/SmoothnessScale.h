#pragma once

namespace impasto {

// The smoothness (total variation) term of the loss is
//   tvWeight * kSmoothnessScale * (mean squared difference of horizontal neighbours
//                                  + that of vertical neighbours), pixels in [0, 1].
// Without the scale the term was a thousandth of the style term at any useful weight, and
// weights 0, 0.1 and 10 gave the same picture; with it 0 is none, 0.1 a light cleanup of speckle,
// 1 smooth, 10 very smooth (measured in the README's "Smoothness" section). The default, 0.001,
// is the old default's term, so that default runs give the picture they gave.
inline constexpr double kSmoothnessScale = 100.0;

// jcjohnson/neural-style's -tv_weight on Impasto's scale. His term depends on his other losses'
// raw magnitudes, so no formula carries it over exactly: the mapping is linear and takes his
// default, 1e-3, to Impasto's default.
double tvWeightFromNeuralStyle(double neuralStyleTvWeight);

// A tvWeight stored before kSmoothnessScale (settings JSON without "version", see
// SettingsJson.h) on today's scale: the same picture.
double tvWeightFromUnscaled(double storedWeight);

}  // namespace impasto

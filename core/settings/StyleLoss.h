#pragma once

namespace impasto {

// What the style loss compares at each style layer. Gram matrices (Gatys et al.) match the
// features' second moments; Wasserstein matches a Gaussian fitted to them (mean and covariance)
// by the 2-Wasserstein distance, which also carries the painting's colour and contrast
// (core/style/WassersteinLoss.h).
enum class StyleLoss { Gram, Wasserstein };

}  // namespace impasto

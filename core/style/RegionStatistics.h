#pragma once

#include <vector>

#include <ATen/ATen.h>

#include "core/style/GramMatrix.h"
#include "core/style/StyleGuidance.h"

namespace impasto {

// Each region's Gram matrix of `features` (N x C x H x W) and, with `means`, its per-channel
// mean: guidedFeatures(features, masks)[i].statistics(method), the guided loss's statistics.
// With the symmetric product on the CPU the weighted crops never exist whole: a few rows at a time
// are weighted into a buffer that stays in the thread's cache and multiplied there, and the
// gradient comes back the same way into one tensor in the features' layout (whole crops and a
// scattered gradient cost two more passes over every style layer).
std::vector<GramAndMean> regionStatistics(const at::Tensor& features,
                                          const std::vector<const GuidanceMask*>& masks,
                                          GramMethod method, bool means);

}  // namespace impasto

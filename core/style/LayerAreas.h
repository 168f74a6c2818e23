#pragma once

#include <vector>

#include <ATen/ATen.h>

#include "core/style/StyleGuidance.h"

namespace impasto {

// Rectangles of a layer's positions, as guided regions cut and write them.
using Area = GuidanceMask::Area;

bool contains(const Area& outer, const Area& inner);
// Whether two areas share a position.
bool intersect(const Area& a, const Area& b);
// The positions both areas cover: rows or columns of 0 or less where they share none.
Area overlap(const Area& a, const Area& b);

// `tensor`'s positions in `area`, relative to `origin` (a layer position).
at::Tensor part(const at::Tensor& tensor, const Area& area, const Area& origin = {});

// The cells the edges of `areas` cut `whole` into, with `whole`'s own edges.
std::vector<Area> cells(const Area& whole, const std::vector<Area>& areas);

// Zeroes the cells of `layer` (N x C x H x W) that none of `areas` covers.
void zeroUncovered(at::Tensor& layer, const std::vector<Area>& areas);

// out = values * mask over `area`, all three given at `origin`; a copy where the mask is 1
// (`ones`), and a sum (out += ...) in the cells that lie in one of `written`.
void writeMasked(at::Tensor& out, const at::Tensor& values, const at::Tensor& mask,
                 const Area& area, const Area& origin, const Area& ones,
                 const std::vector<Area>& written = {});

}  // namespace impasto

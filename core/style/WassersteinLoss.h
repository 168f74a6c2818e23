#pragma once

#include <ATen/ATen.h>

namespace impasto {

// The 2-Wasserstein style loss (as in crowsonkb/style-transfer-pytorch): each style layer's
// features are summarised by a Gaussian, their mean and covariance, and the image's Gaussian is
// compared with the painting's by the squared 2-Wasserstein distance
//
//   W2^2 = |m - m_t|^2 + tr(C) + tr(C_t) - 2 tr sqrt(C_t^1/2 C C_t^1/2),
//
// which matches colour and contrast (the mean and the variances) besides the correlations the
// Gram matrix carries. Targets are kept as the mean and the second raw moment (the Gram matrix),
// which, unlike covariances, blend linearly across paintings.
//
// Stability of the matrix square root: the target's square root C_t^1/2 is computed once per
// target (eigendecomposition in double precision), so only the trace term differentiates through
// a square root, and the gradient of tr sqrt(M) is (1/2) M^-1/2 = V diag(1 / (2 sqrt(l))) V^T
// from M's eigendecomposition: no division by differences of eigenvalues (what makes the
// general eigendecomposition's backward pass blow up for close eigenvalues). Both covariances
// get a ridge of kCovarianceRidge times the target's mean power, which keeps M's eigenvalues
// away from zero; they are floored besides, so the gradient stays bounded.
struct GaussianTarget {
    at::Tensor mean;            // N x C
    at::Tensor covariance;      // N x C x C, ridge included
    at::Tensor covarianceRoot;  // its symmetric square root
    double ridge = 0.0;         // added to the image's covariance too
    double power = 1.0;         // mean of the second moment's diagonal: the layer's normaliser
};

inline constexpr double kCovarianceRidge = 1e-4;

// Trace of the symmetric square root of R M R for each symmetric positive semi-definite C x C
// matrix M of `matrices` (N x C x C; the symmetric part is used) and the symmetric `root` R
// (N x C x C; undefined: the identity, not differentiated), eigenvalues floored at `floor` > 0,
// with the eigendecomposition gradient above. Returns N values in the matrices' type.
at::Tensor traceOfSquareRoot(const at::Tensor& matrices, double floor, const at::Tensor& root = {});

// The Gaussian of a style layer from its blended mean (N x C) and second raw moment (N x C x C).
GaussianTarget gaussianTarget(const at::Tensor& mean, const at::Tensor& secondMoment);

// Per-channel mean of N x C x H x W features, in float32 whatever their type.
at::Tensor featureMean(const at::Tensor& features);

// W2^2 between the image's Gaussian (from its features' mean and second raw moment) and the
// target's, divided by the target's C * power so that layers of any magnitude weigh alike.
at::Tensor wassersteinError(const at::Tensor& mean, const at::Tensor& secondMoment,
                            const GaussianTarget& target);

}  // namespace impasto

#include "core/style/WassersteinLoss.h"

#include "core/style/GramMatrix.h"

#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <optional>

namespace impasto {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// tr sqrt(R M R) = sum sqrt(l) over the eigenvalues l of R M R (R = I when undefined); its
// gradient with respect to M is R V diag(1 / (2 sqrt(l))) V^T R = W W^T for
// W = R V diag((2 sqrt(l))^-1/2), which needs the eigenvectors V but no eigenvalue differences.
// The products go through matrixProduct(), and fewer of them than LibTorch's autograd of the
// sandwich and of V diag V^T would take, in OpenBLAS's slower kernels.
class TraceOfSquareRootFunction : public torch::autograd::Function<TraceOfSquareRootFunction> {
public:
    // `root` is a constant, not an input of the graph (std::optional: LibTorch's custom
    // functions refuse undefined tensors as inputs).
    static at::Tensor forward(AutogradContext* context, const at::Tensor& matrices,
                              const std::optional<at::Tensor>& root, double floor) {
        const at::Tensor detached = matrices.detach();
        const at::Tensor symmetric = (detached + detached.transpose(-2, -1)) * 0.5;
        const at::Tensor sandwich =
            root ? matrixProduct(matrixProduct(*root, symmetric), *root) : symmetric;
        const auto [values, vectors] = at::linalg_eigh(sandwich);
        const at::Tensor floored = values.clamp_min(floor);
        const at::Tensor rooted = root ? matrixProduct(*root, vectors) : vectors;
        context->save_for_backward({rooted * (2.0 * floored.sqrt()).rsqrt().unsqueeze(-2)});
        return floored.sqrt().sum(-1);
    }

    static variable_list backward(AutogradContext* context, variable_list gradients) {
        const at::Tensor factor = context->get_saved_variables()[0];
        const at::Tensor gradient = matrixProduct(factor, factor.transpose(-2, -1));
        return {gradient * gradients[0].unsqueeze(-1).unsqueeze(-1), at::Tensor(), at::Tensor()};
    }
};

at::Tensor identityLike(const at::Tensor& matrices) {
    return at::eye(matrices.size(-1), matrices.options()).expand_as(matrices);
}

at::Tensor outerProduct(const at::Tensor& vectors) {
    return vectors.unsqueeze(-1) * vectors.unsqueeze(-2);
}

}  // namespace

at::Tensor traceOfSquareRoot(const at::Tensor& matrices, double floor, const at::Tensor& root) {
    return TraceOfSquareRootFunction::apply(
        matrices, root.defined() ? std::optional<at::Tensor>(root) : std::nullopt, floor);
}

GaussianTarget gaussianTarget(const at::Tensor& mean, const at::Tensor& secondMoment) {
    const c10::NoGradGuard noGrad;
    GaussianTarget target;
    const int64_t channels = secondMoment.size(-1);
    // A dead layer (all zeros) must not divide by zero, as in meanPower().
    target.power = std::max(
        secondMoment.diagonal(0, -2, -1).sum().item<double>() / static_cast<double>(channels),
        1e-8);
    target.ridge = kCovarianceRidge * target.power;
    // In the second moment's type: float32 in the engine, double in the gradient tests.
    const at::ScalarType type = secondMoment.scalar_type();
    target.mean = mean.to(type);
    const at::Tensor covariance = secondMoment.to(at::kDouble) - outerProduct(mean.to(at::kDouble));
    const at::Tensor ridged = covariance + identityLike(covariance) * target.ridge;
    const auto [values, vectors] = at::linalg_eigh(ridged);
    const at::Tensor root =
        at::matmul(vectors * values.clamp_min(0.0).sqrt().unsqueeze(-2), vectors.transpose(-2, -1));
    target.covariance = ridged.to(type);
    target.covarianceRoot = root.to(type);
    return target;
}

at::Tensor featureMean(const at::Tensor& features) {
    return at::mean(features, {2, 3}, false, at::kFloat);
}

at::Tensor wassersteinError(const at::Tensor& mean, const at::Tensor& secondMoment,
                            const GaussianTarget& target) {
    const at::Tensor root = target.covarianceRoot.to(secondMoment.scalar_type());
    const at::Tensor covariance =
        secondMoment - outerProduct(mean) + identityLike(secondMoment) * target.ridge;
    // M >= ridge^2 I in exact arithmetic; the floor keeps rounding from going below it.
    const double floor = 0.5 * target.ridge * target.ridge;
    const at::Tensor traces = covariance.diagonal(0, -2, -1).sum(-1) +
                              target.covariance.diagonal(0, -2, -1).sum(-1).to(covariance.dtype());
    const at::Tensor distance = (mean - target.mean.to(mean.dtype())).pow(2).sum(-1) + traces -
                                2.0 * traceOfSquareRoot(covariance, floor, root);
    const double channels = static_cast<double>(secondMoment.size(-1));
    return distance.sum() / (channels * target.power);
}

}  // namespace impasto

// The 2-Wasserstein style loss on tiny tensors: its gradient against finite differences in
// double precision (also where eigenvalues coincide, which breaks a general eigendecomposition's
// gradient), zero exactly at the target's statistics, blends of several paintings, and
// bfloat16 features.
#include <c10/core/GradMode.h>
#include <QTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/style/GramMatrix.h"
#include "core/style/StyleTargets.h"
#include "core/style/WassersteinLoss.h"

using namespace impasto;

namespace {

at::Tensor randomFeatures(uint64_t seed, std::vector<int64_t> shape = {1, 4, 3, 3},
                          at::ScalarType type = at::kDouble) {
    auto generator = at::detail::createCPUGenerator(seed);
    // Shifted: ReLU features are positive, with a mean worth matching.
    return (at::randn(shape, generator) + 0.5).to(type);
}

// The Gram matrix in the features' own type (the engine's is float32 whatever they are).
at::Tensor secondMoment(const at::Tensor& features) {
    const at::Tensor flat = features.flatten(2);
    return at::matmul(flat, flat.transpose(1, 2)) / flat.size(2);
}

GaussianTarget targetOf(const at::Tensor& features) {
    return gaussianTarget(at::mean(features, {2, 3}), secondMoment(features));
}

// The loss at `features` against `target`, computed throughout in the features' type.
at::Tensor lossAt(const at::Tensor& features, const GaussianTarget& target) {
    const at::Tensor mean = at::mean(features, {2, 3});
    return wassersteinError(mean, secondMoment(features), target);
}

// The largest difference between the autograd gradient of `loss` at `x` and central finite
// differences, relative to the gradient's largest entry.
double gradientMismatch(const std::function<at::Tensor(const at::Tensor&)>& loss,
                        const at::Tensor& x) {
    const at::Tensor variable = x.clone().requires_grad_(true);
    loss(variable).backward();
    const at::Tensor analytic = variable.grad();
    const double step = 1e-6;
    at::Tensor numeric = at::zeros_like(x);
    const c10::NoGradGuard noGrad;
    for (int64_t i = 0; i < x.numel(); ++i) {
        at::Tensor plus = x.clone();
        at::Tensor minus = x.clone();
        plus.view(-1)[i] += step;
        minus.view(-1)[i] -= step;
        numeric.view(-1)[i] = (loss(plus) - loss(minus)) / (2 * step);
    }
    return (analytic - numeric).abs().max().item<double>() / analytic.abs().max().item<double>();
}

StyleSettings wassersteinSettings(const std::string& layer) {
    StyleSettings settings;
    settings.styleLoss = StyleLoss::Wasserstein;
    settings.contentWeight = 0.0;
    settings.tvWeight = 0.0;
    settings.styleWeight = 1.0;
    settings.styleLayers = {{layer, 1.0}};
    return settings;
}

double blendedLoss(const std::vector<at::Tensor>& paintings, std::vector<double> blend,
                   const at::Tensor& features) {
    StyleTargets targets;
    std::vector<StyleTargets::Features> perPainting;
    for (const at::Tensor& painting : paintings) {
        perPainting.push_back({{"layer", painting}});
    }
    targets.setStyles(perPainting);
    targets.blend(std::move(blend), StyleLoss::Wasserstein);
    const at::Tensor image = at::zeros({1, 3, 4, 4});
    return targets.losses(image, {{"layer", features}}, wassersteinSettings("layer")).second.style;
}

}  // namespace

class WassersteinLossTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void traceOfSquareRootOfADiagonalMatrix() {
        const at::Tensor diagonal =
            at::diag(at::tensor({4.0, 9.0, 16.0}, at::kDouble)).unsqueeze(0);
        QCOMPARE(traceOfSquareRoot(diagonal, 1e-12).item<double>(), 2.0 + 3.0 + 4.0);
    }

    void traceOfSquareRootGradientMatchesFiniteDifferences() {
        const at::Tensor a = randomFeatures(1, {1, 5, 7});
        const at::Tensor spd = at::matmul(a, a.transpose(1, 2)) + 0.1 * at::eye(5, at::kDouble);
        const double mismatch = gradientMismatch(
            [](const at::Tensor& m) { return traceOfSquareRoot(m, 1e-12).sum(); }, spd);
        qInfo("tr sqrt(M): gradient mismatch %.2e", mismatch);
        QVERIFY2(mismatch < 1e-6, qPrintable(QString::number(mismatch)));
    }

    // The identity's eigenvalues are all equal: the general eigendecomposition's gradient
    // divides by their differences.
    void gradientIsFiniteForEqualEigenvalues() {
        const at::Tensor identity = at::eye(4, at::kDouble).unsqueeze(0);
        const at::Tensor m = identity.clone().requires_grad_(true);
        traceOfSquareRoot(m, 1e-12).sum().backward();
        QVERIFY(at::isfinite(m.grad()).all().item<bool>());
        // d tr sqrt(M) / dM at I is I / 2.
        QVERIFY(at::allclose(m.grad(), identity * 0.5, 1e-12, 1e-12));
    }

    void lossGradientMatchesFiniteDifferences() {
        const GaussianTarget target = targetOf(randomFeatures(3));
        const double mismatch = gradientMismatch(
            [&](const at::Tensor& f) { return lossAt(f, target); }, randomFeatures(4));
        qInfo("W2 loss: gradient mismatch %.2e", mismatch);
        QVERIFY2(mismatch < 1e-5, qPrintable(QString::number(mismatch)));
    }

    // The engine's float32 path (its products through oneDNN, its Gram matrix and mean from one
    // node) gives the loss and gradient of the double-precision reference.
    void float32PathMatchesDoublePrecision() {
        const at::Tensor painting = randomFeatures(11, {1, 24, 10, 10});
        const at::Tensor image = randomFeatures(12, {1, 24, 10, 10}).relu();
        const GaussianTarget reference = targetOf(painting);
        const at::Tensor exact = image.clone().requires_grad_(true);
        const at::Tensor expected = lossAt(exact, reference);
        expected.backward();
        const at::Tensor single = painting.to(at::kFloat);
        const GramAndMean targetStatistics = gramAndMean(single);
        const GaussianTarget target = gaussianTarget(targetStatistics.mean, targetStatistics.gram);
        const at::Tensor features =
            image.to(at::kFloat).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
        const GramAndMean statistics = gramAndMean(features);
        const at::Tensor loss = wassersteinError(statistics.mean, statistics.gram, target);
        loss.backward();
        const double lossError =
            std::abs(loss.item<double>() - expected.item<double>()) / expected.item<double>();
        const double gradientError =
            ((features.grad().to(at::kDouble) - exact.grad()).norm() / exact.grad().norm())
                .item<double>();
        qInfo("float32 against double: loss %.1e, gradient %.1e", lossError, gradientError);
        QVERIFY2(lossError < 1e-3, qPrintable(QString::number(lossError)));
        QVERIFY2(gradientError < 1e-2, qPrintable(QString::number(gradientError)));
    }

    void zeroForTheTargetsOwnStatisticsAndPositiveOtherwise() {
        const at::Tensor painting = randomFeatures(5, {1, 6, 8, 8});
        const GaussianTarget target = targetOf(painting);
        const double same = lossAt(painting, target).item<double>();
        QVERIFY2(std::abs(same) < 1e-10, qPrintable(QString::number(same)));
        // The same features in another order: the same Gaussian, so still zero.
        const at::Tensor shuffled = painting.flip({2, 3});
        QVERIFY(std::abs(lossAt(shuffled, target).item<double>()) < 1e-10);
        // Only the mean moved, only the spread, or both.
        const double shifted = lossAt(painting + 0.3, target).item<double>();
        const double scaled = lossAt(painting * 1.5, target).item<double>();
        const double other = lossAt(randomFeatures(6, {1, 6, 8, 8}), target).item<double>();
        qInfo("shifted %.4f, scaled %.4f, other %.4f", shifted, scaled, other);
        QVERIFY(shifted > 1e-3 && scaled > 1e-3 && other > 1e-3);
    }

    void blendsSeveralPaintings() {
        const at::Tensor first = randomFeatures(7, {1, 4, 6, 6}, at::kFloat);
        const at::Tensor second = randomFeatures(8, {1, 4, 6, 6}, at::kFloat) * 2.0;
        // A weight of 0 leaves a painting out; equal weights match neither alone.
        QVERIFY(blendedLoss({first, second}, {1, 0}, first) < 1e-4);
        QVERIFY(blendedLoss({first, second}, {0, 1}, second) < 1e-4);
        const double toFirst = blendedLoss({first, second}, {1, 0}, second);
        const double toBoth = blendedLoss({first, second}, {1, 1}, second);
        QVERIFY2(toBoth > 1e-3 && toBoth < toFirst,
                 qPrintable(QString("%1 %2").arg(toBoth).arg(toFirst)));
        // Both at once: the features of both paintings side by side have the blended statistics.
        const at::Tensor both = at::cat({first, second}, 3);
        QVERIFY(blendedLoss({first, second}, {1, 1}, both) < 1e-4);
    }

    void bfloat16FeaturesGiveTheFloat32Loss() {
        const at::Tensor painting = randomFeatures(9, {1, 16, 12, 12}, at::kFloat);
        const at::Tensor image = randomFeatures(10, {1, 16, 12, 12}, at::kFloat).relu();
        const GaussianTarget target = gaussianTarget(featureMean(painting), gramMatrix(painting));
        const double reference =
            wassersteinError(featureMean(image), gramMatrix(image), target).item<double>();
        const at::Tensor reduced = image.to(at::kBFloat16).requires_grad_(true);
        const at::Tensor loss = wassersteinError(featureMean(reduced), gramMatrix(reduced), target);
        QCOMPARE(loss.scalar_type(), at::kFloat);
        loss.backward();
        QCOMPARE(reduced.grad().scalar_type(), at::kBFloat16);
        QVERIFY(at::isfinite(reduced.grad().to(at::kFloat)).all().item<bool>());
        const double difference = std::abs(loss.item<double>() - reference) / reference;
        qInfo("bfloat16 %.5f, float32 %.5f", loss.item<double>(), reference);
        QVERIFY2(difference < 0.02, qPrintable(QString::number(difference)));
    }
};

QTEST_APPLESS_MAIN(WassersteinLossTest)
#include "test_wasserstein_loss.moc"

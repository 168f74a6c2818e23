// jcjohnson/neural-style's optimiser options, shown to change what the engine computes:
// -normalize_gradients (each loss layer's gradient at unit L1 norm times its weight) and
// -lbfgs_num_correction (the steps L-BFGS remembers).
#include <c10/core/GradMode.h>
#include <QTest>

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>

#include "core/settings/StyleSettings.h"
#include "core/style/ImageOptimizer.h"
#include "core/style/StyleTargets.h"

using namespace impasto;

namespace {

// Two layers' worth of made-up activations, leaves whose gradients the test reads.
StyleTargets::Features activations(int seed) {
    at::manual_seed(seed);
    return {{"low", at::rand({1, 4, 6, 6}).requires_grad_(true)},
            {"high", at::rand({1, 8, 3, 3}).requires_grad_(true)}};
}

double l1(const at::Tensor& tensor) {
    return tensor.abs().sum().item<double>();
}

// An ill-conditioned quadratic: curvatures from 1 to 1000 over the image's entries, minimum 0.
LossBreakdown quadraticLoss(const at::Tensor& image, at::Tensor& total) {
    const at::Tensor curvature = at::linspace(1.0, 1000.0, image.numel()).view(image.sizes());
    total = (curvature * (image - 0.5).pow(2)).sum();
    LossBreakdown breakdown;
    breakdown.total = total.item<double>();
    breakdown.content = breakdown.total;
    return breakdown;
}

at::Tensor startImage() {
    at::manual_seed(7);
    return at::rand({1, 3, 8, 8});
}

// The image after `iterations` L-BFGS steps on the quadratic from startImage().
at::Tensor imageAfterLbfgs(int historySize, int iterations) {
    ImageOptimizer optimizer;
    optimizer.setHistorySize(historySize);
    optimizer.reset(startImage(), OptimizerKind::Lbfgs, 1.0);
    const ImageOptimizer::Objective objective = [](const at::Tensor& image) {
        at::Tensor total;
        const LossBreakdown breakdown = quadraticLoss(image, total);
        return std::pair{total, breakdown};
    };
    for (int i = 0; i < iterations; ++i) {
        optimizer.step(objective, [] {});
    }
    return optimizer.image().detach().clone();
}

}  // namespace

class OptimizerOptionsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // neural-style divides each loss module's gradient by its L1 norm, then applies the weight:
    // a layer's gradient then has the L1 norm (term weight) x (its share of the layer weights),
    // whatever its error. The loss itself is reported unchanged.
    void normalizedGradientsHaveTheWeightsAsL1Norms() {
        StyleTargets targets;
        const at::Tensor image = at::zeros({1, 3, 4, 4});
        {
            const c10::NoGradGuard noGrad;
            targets.setContent(activations(1));
            targets.setStyles({activations(2)});
            targets.blend({});
        }
        StyleSettings settings;
        settings.tvWeight = 0.0;
        settings.contentLayers = {{"low", 1.0}, {"high", 3.0}};
        settings.styleLayers = {{"low", 1.0}, {"high", 1.0}};

        // One term at a time: content 3 x 1/4 and 3 x 3/4, style 40 x 1/2 each.
        for (const auto& [contentWeight, styleWeight, expectedLow, expectedHigh] :
             {std::tuple{3.0, 0.0, 0.75, 2.25}, std::tuple{0.0, 40.0, 20.0, 20.0}}) {
            settings.contentWeight = contentWeight;
            settings.styleWeight = styleWeight;
            double losses[2] = {};
            for (const bool normalize : {false, true}) {
                settings.normalizeGradients = normalize;
                const StyleTargets::Features current = activations(3);
                const auto [total, breakdown] = targets.losses(image, current, settings);
                total.backward();
                losses[normalize] = breakdown.total;
                const double low = l1(current.at("low").grad());
                const double high = l1(current.at("high").grad());
                const QString norms =
                    QString("normalize %1: L1 norms %2 and %3, expected %4 and %5")
                        .arg(normalize)
                        .arg(low)
                        .arg(high)
                        .arg(expectedLow)
                        .arg(expectedHigh);
                const bool asExpected = std::abs(low - expectedLow) < 1e-4 * expectedLow &&
                                        std::abs(high - expectedHigh) < 1e-4 * expectedHigh;
                // Without, the norms are whatever the errors make them (else this proves nothing).
                QVERIFY2(asExpected == normalize, qPrintable(norms));
            }
            QCOMPARE(losses[1], losses[0]);
        }
    }

    // -lbfgs_num_correction: the steps remembered shape every step after the second, so one
    // remembered step and ten end elsewhere; 0 (automatic) is ten for so small an image.
    void lbfgsHistorySizeChangesTheRun() {
        constexpr int iterations = 6;
        const at::Tensor one = imageAfterLbfgs(1, iterations);
        const at::Tensor ten = imageAfterLbfgs(10, iterations);
        const at::Tensor automatic = imageAfterLbfgs(0, iterations);
        // Measured: 0.076 apart with 0.55 still to go to the minimum (every entry 0.5).
        const double toGo = (ten - 0.5).norm().item<double>();
        const double apart = (one - ten).norm().item<double>();
        QVERIFY2(apart > 0.05 * toGo,
                 qPrintable(QString("history 1 and 10 end %1 apart, %2 from the minimum")
                                .arg(apart)
                                .arg(toGo)));
        QVERIFY(at::equal(automatic, ten));
    }
};

QTEST_APPLESS_MAIN(OptimizerOptionsTest)
#include "test_optimizer_options.moc"

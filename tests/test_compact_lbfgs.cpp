// L-BFGS with its history in bfloat16 (core/style/CompactLbfgs.h), which print sizes use when
// memory is short: it must optimise as well as LibTorch's float32 L-BFGS, and the automatic
// choice must keep float32 wherever memory allows.
#include <QTest>

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>

#include "core/model/FeatureNetwork.h"
#include "core/style/GramMatrix.h"
#include "core/style/ImageOptimizer.h"
#include "core/style/ImageTensor.h"
#include "core/style/TilingChoice.h"
#include "support/SharedPictures.h"

using namespace impasto;

namespace {

// Style (Gram matrices of two layers) and content loss on SqueezeNet, the engine's terms in
// miniature: a real, non-convex objective.
struct StyleObjective {
    LoadedModel model = test::sharedSqueezeNet();
    std::vector<std::string> styleLayers{"fire2", "fire5"};
    std::map<std::string, at::Tensor> styleGrams;
    at::Tensor contentFeatures;
    at::Tensor photo;

    StyleObjective() {
        photo = imageToTensor(test::sharedPicture("tubingen.jpg", 96));
        const c10::NoGradGuard noGrad;
        const auto style =
            model.network->extract(imageToTensor(test::sharedPicture("starry_night.jpg", 96)),
                                   styleLayers, PoolingMode::Max);
        for (const std::string& layer : styleLayers) {
            styleGrams[layer] = gramMatrix(style.at(layer));
        }
        contentFeatures =
            model.network->extract(photo, {"fire5"}, PoolingMode::Max).at("fire5").clone();
    }

    ImageOptimizer::Objective function() {
        return [this](const at::Tensor& image) {
            auto features = model.network->extract(image, styleLayers, PoolingMode::Max);
            at::Tensor total = 0.05 * (features.at("fire5") - contentFeatures).pow(2).mean();
            for (const std::string& layer : styleLayers) {
                total = total +
                        1e4 * (gramMatrix(features.at(layer)) - styleGrams.at(layer)).pow(2).mean();
            }
            LossBreakdown breakdown;
            breakdown.total = total.item<double>();
            return std::pair{total, breakdown};
        };
    }
};

// The loss after `iterations` L-BFGS iterations from the photo, the history in `type`.
double lossAfter(StyleObjective& objective, at::ScalarType type, int iterations, double& first) {
    ImageOptimizer optimizer;
    optimizer.setHistoryType(type);
    optimizer.reset(objective.photo, OptimizerKind::Lbfgs, 1.0);
    const auto function = objective.function();
    first = optimizer.step(function, [] {}).total;
    for (int i = 1; i < iterations; ++i) {
        optimizer.step(function, [] {});
    }
    return optimizer.settle(function).total;
}

}  // namespace

class CompactLbfgsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // 20 iterations at 96 px. With a float64 history CompactLbfgs is LibTorch's L-BFGS (measured:
    // the same loss to 4 digits; held to 1%), and bfloat16's history (3 significant digits)
    // loses little (measured: 4% higher; held to 10%).
    void bfloat16HistoryOptimisesLikeFloat32() {
        StyleObjective objective;
        double firstFloat = 0.0;
        double firstCompact = 0.0;
        const double float32 = lossAfter(objective, at::kFloat, 20, firstFloat);
        const double float64 = lossAfter(objective, at::kDouble, 20, firstCompact);
        const double reduced = lossAfter(objective, at::kBFloat16, 20, firstCompact);
        qInfo("loss %.4g -> LibTorch %.4g, float64 history %.4g, bfloat16 history %.4g", firstFloat,
              float32, float64, reduced);
        QCOMPARE(firstCompact, firstFloat);
        QVERIFY(float32 < 0.2 * firstFloat);
        QVERIFY(std::abs(float64 - float32) < 0.01 * float32);
        QVERIFY(reduced < 1.1 * float32);
    }

    // Memory decides: float32 at today's sizes, bfloat16 and then fewer steps for print sizes
    // as the memory available shrinks (a 6144 x 4608 float32 pair is 680 MB).
    void historyFollowsTheMemoryAvailable() {
        const LbfgsHistoryChoice small = lbfgsHistoryForMemory(2048 * 1536, 16'000'000'000);
        QCOMPARE(small.steps, 0);
        QVERIFY(!small.reducedPrecision);
        const LbfgsHistoryChoice roomy = lbfgsHistoryForMemory(6144 * 4608, 64'000'000'000);
        QCOMPARE(roomy.steps, 0);
        QVERIFY(!roomy.reducedPrecision);
        // An eighth of 22 GB holds the optimiser's own 5 steps in bfloat16, not in float32.
        const LbfgsHistoryChoice thisMachine = lbfgsHistoryForMemory(6144 * 4608, 22'000'000'000);
        QCOMPARE(thisMachine.steps, 5);
        QVERIFY(thisMachine.reducedPrecision);
        const LbfgsHistoryChoice tight = lbfgsHistoryForMemory(6144 * 4608, 12'000'000'000);
        QCOMPARE(tight.steps, 4);
        QVERIFY(tight.reducedPrecision);
        QCOMPARE(lbfgsHistoryForMemory(6144 * 4608, 4'000'000'000).steps, 2);
        QCOMPARE(lbfgsHistoryForMemory(2048 * 1536, 0).steps, 0);  // unknown: as before
    }
};

QTEST_GUILESS_MAIN(CompactLbfgsTest)
#include "test_compact_lbfgs.moc"

// Loss terms against values worked out by hand on tiny tensors.
#include <QTest>

#include <ATen/ATen.h>

#include "core/style/Losses.h"

using namespace impasto;

class LossesTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gramMatrixOfTwoChannels() {
        // Channel 0 = [1 2; 3 4], channel 1 = [0 1; 0 1]; H*W = 4.
        const at::Tensor features =
            at::tensor({1.f, 2.f, 3.f, 4.f, 0.f, 1.f, 0.f, 1.f}).view({1, 2, 2, 2});
        const at::Tensor gram = gramMatrix(features);
        QCOMPARE(gram.sizes().vec(), (std::vector<int64_t>{1, 2, 2}));
        // <c0,c0> = 1+4+9+16 = 30, <c0,c1> = 2+4 = 6, <c1,c1> = 2; each divided by 4.
        QCOMPARE(gram[0][0][0].item<float>(), 7.5f);
        QCOMPARE(gram[0][0][1].item<float>(), 1.5f);
        QCOMPARE(gram[0][1][0].item<float>(), 1.5f);
        QCOMPARE(gram[0][1][1].item<float>(), 0.5f);
    }

    void gramMatrixDoesNotGrowWithImageSize() {
        const at::Tensor small = at::ones({1, 3, 4, 4});
        const at::Tensor large = at::ones({1, 3, 32, 32});
        QVERIFY(at::allclose(gramMatrix(small), gramMatrix(large)));
    }

    void relativeSquaredErrorDividesByTargetPower() {
        const at::Tensor target = at::tensor({2.f, 2.f, 2.f, 2.f});
        const at::Tensor current = at::tensor({3.f, 1.f, 2.f, 2.f});
        // mean((c - t)^2) = (1 + 1 + 0 + 0) / 4 = 0.5; mean(t^2) = 4.
        const double power = meanPower(target);
        QCOMPARE(power, 4.0);
        QCOMPARE(relativeSquaredError(current, target, power).item<double>(), 0.125);
    }

    void meanPowerOfZerosIsNotZero() { QVERIFY(meanPower(at::zeros({3})) > 0.0); }

    void totalVariationOfARamp() {
        // One channel, 2 x 3: rows [0 1 2; 0 1 2]. Horizontal differences are all 1 (4 of
        // them), vertical all 0 (3 of them): TV = 1 + 0.
        const at::Tensor ramp = at::tensor({0.f, 1.f, 2.f, 0.f, 1.f, 2.f}).view({1, 1, 2, 3});
        QCOMPARE(totalVariation(ramp).item<double>(), 1.0);
        // Transposed: all the variation is vertical.
        const at::Tensor transposed = ramp.transpose(2, 3).contiguous();
        QCOMPARE(totalVariation(transposed).item<double>(), 1.0);
        QCOMPARE(totalVariation(at::ones({1, 3, 5, 5})).item<double>(), 0.0);
    }

    // Channels-last activations are read in place: same matrix, same gradient.
    void gramMatrixReadsChannelsLast() {
        const at::Tensor features = at::rand({1, 5, 6, 7});
        const at::Tensor contiguous = features.clone().requires_grad_(true);
        const at::Tensor channelsLast =
            features.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
        QVERIFY(channelsLast.is_contiguous(at::MemoryFormat::ChannelsLast));
        const at::Tensor expected = gramMatrix(contiguous);
        const at::Tensor actual = gramMatrix(channelsLast);
        QVERIFY(at::allclose(actual, expected, 1e-5, 1e-6));
        expected.pow(2).sum().backward();
        actual.pow(2).sum().backward();
        QVERIFY(at::allclose(channelsLast.grad(), contiguous.grad(), 1e-5, 1e-6));
    }

    void gradientsFlowThroughEveryTerm() {
        const at::Tensor image = at::rand({1, 3, 8, 8}).requires_grad_(true);
        const at::Tensor target = at::rand({1, 3, 3});
        const at::Tensor loss = relativeSquaredError(gramMatrix(image), target, meanPower(target)) +
                                totalVariation(image);
        loss.backward();
        QVERIFY(image.grad().defined());
        QVERIFY(image.grad().abs().sum().item<double>() > 0.0);
    }
};

QTEST_APPLESS_MAIN(LossesTest)
#include "test_losses.moc"

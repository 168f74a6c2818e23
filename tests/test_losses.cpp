// Loss terms against values worked out by hand on tiny tensors.
#include <QTest>

#include <ATen/ATen.h>

#include "core/style/GramMatrix.h"
#include "core/style/Losses.h"

using namespace impasto;

class LossesTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
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

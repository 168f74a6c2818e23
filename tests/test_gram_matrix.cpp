// The Gram matrix: values worked out by hand, and the engine's symmetric product (blocks over
// threads, its own backward pass) against LibTorch's autograd through at::bmm.
#include <c10/core/GradMode.h>
#include <QTest>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <vector>

#include "core/style/GramMatrix.h"

using namespace impasto;

namespace {

// The Gram matrix of `features` and the gradient of sum(G * weights) with respect to them.
std::pair<at::Tensor, at::Tensor> gramAndGradient(const at::Tensor& features, GramMethod method,
                                                  const at::Tensor& weights) {
    const at::Tensor input = features.detach().clone(features.suggest_memory_format());
    input.requires_grad_(true);
    const at::Tensor gram = gramMatrix(input, method);
    (gram * weights).sum().backward();
    return {gram.detach(), input.grad()};
}

// Whether the symmetric product's matrix and gradient match LibTorch's own (at::bmm under
// autograd). The loss weighs G with a matrix that is not symmetric, so the gradient needs both
// halves of dL/dG.
struct Agreement {
    bool matrix = false;
    bool gradient = false;
};
Agreement agreesWithLibTorch(const at::Tensor& features) {
    const int64_t channels = features.size(1);
    const at::Tensor weights = at::randn({features.size(0), channels, channels});
    const auto [expected, expectedGradient] = gramAndGradient(features, GramMethod::Plain, weights);
    const auto [actual, actualGradient] = gramAndGradient(features, GramMethod::Symmetric, weights);
    return {at::allclose(actual, expected, 1e-4, 1e-5),
            at::allclose(actualGradient, expectedGradient, 1e-4, 1e-5)};
}

// Restores LibTorch's thread count when a test changed it.
class ThreadCount {
public:
    explicit ThreadCount(int threads) : saved_(at::get_num_threads()) {
        at::set_num_threads(threads);
    }
    ~ThreadCount() { at::set_num_threads(saved_); }
    ThreadCount(const ThreadCount&) = delete;
    ThreadCount& operator=(const ThreadCount&) = delete;

private:
    int saved_;
};

}  // namespace

class GramMatrixTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoChannels_data() {
        QTest::addColumn<GramMethod>("method");
        QTest::newRow("plain") << GramMethod::Plain;
        QTest::newRow("symmetric") << GramMethod::Symmetric;
    }

    void twoChannels() {
        QFETCH(GramMethod, method);
        // Channel 0 = [1 2; 3 4], channel 1 = [0 1; 0 1]; H*W = 4.
        const at::Tensor features =
            at::tensor({1.f, 2.f, 3.f, 4.f, 0.f, 1.f, 0.f, 1.f}).view({1, 2, 2, 2});
        const at::Tensor gram = gramMatrix(features, method);
        QCOMPARE(gram.sizes().vec(), (std::vector<int64_t>{1, 2, 2}));
        // <c0,c0> = 1+4+9+16 = 30, <c0,c1> = 2+4 = 6, <c1,c1> = 2; each divided by 4.
        QCOMPARE(gram[0][0][0].item<float>(), 7.5f);
        QCOMPARE(gram[0][0][1].item<float>(), 1.5f);
        QCOMPARE(gram[0][1][0].item<float>(), 1.5f);
        QCOMPARE(gram[0][1][1].item<float>(), 0.5f);
    }

    void doesNotGrowWithImageSize() {
        const at::Tensor small = at::ones({1, 3, 4, 4});
        const at::Tensor large = at::ones({1, 3, 32, 32});
        QVERIFY(at::allclose(gramMatrix(small), gramMatrix(large)));
    }

    // Channels-last activations are read in place: same matrix, same gradient.
    void readsChannelsLast() {
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
        // The gradient comes back in the features' layout.
        QVERIFY(channelsLast.grad().is_contiguous(at::MemoryFormat::ChannelsLast));
    }

    // Channel counts below, at and between the 16-channel blocks, one and two images, both
    // layouts, one and two threads: the same matrix and gradient as LibTorch's own.
    void symmetricMatchesLibTorch_data() {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("channels");
        QTest::addColumn<bool>("channelsLast");
        QTest::addColumn<int>("threads");
        for (const int threads : {1, 2}) {
            for (const bool channelsLast : {false, true}) {
                for (const int channels : {1, 3, 16, 40, 64, 100, 256}) {
                    QTest::addRow("%d ch, %s, %d thread(s)", channels,
                                  channelsLast ? "channels-last" : "contiguous", threads)
                        << 1 << channels << channelsLast << threads;
                }
                QTest::addRow("2 images, %s, %d thread(s)",
                              channelsLast ? "channels-last" : "contiguous", threads)
                    << 2 << 48 << channelsLast << threads;
            }
        }
    }

    void symmetricMatchesLibTorch() {
        QFETCH(int, batch);
        QFETCH(int, channels);
        QFETCH(bool, channelsLast);
        QFETCH(int, threads);
        const ThreadCount threadCount(threads);
        at::manual_seed(channels);
        at::Tensor features = at::randn({batch, channels, 13, 17});
        if (channelsLast) {
            features = features.contiguous(at::MemoryFormat::ChannelsLast);
        }
        const Agreement agreement = agreesWithLibTorch(features);
        QVERIFY(agreement.matrix);
        QVERIFY(agreement.gradient);
    }

    // Neither layout (a slice of a wider tensor): read through a dense copy, same results.
    void readsOtherStrides() {
        const at::Tensor wide = at::randn({1, 40, 11, 9});
        const at::Tensor slice = wide.narrow(1, 5, 20).transpose(2, 3);
        QVERIFY(!slice.is_contiguous() && !slice.is_contiguous(at::MemoryFormat::ChannelsLast));
        const Agreement agreement = agreesWithLibTorch(slice);
        QVERIFY(agreement.matrix);
        QVERIFY(agreement.gradient);
    }

    // bfloat16 features (the network's with reduced precision): a float32 matrix equal to that
    // of the same values in float32, and a bfloat16 gradient in their layout that agrees with
    // float32's to bfloat16's 8 significant bits.
    void bfloat16FeaturesGiveAFloat32Matrix_data() {
        QTest::addColumn<bool>("channelsLast");
        QTest::newRow("channels-last") << true;
        QTest::newRow("contiguous") << false;
    }

    void bfloat16FeaturesGiveAFloat32Matrix() {
        QFETCH(bool, channelsLast);
        at::manual_seed(3);
        const auto layout =
            channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
        const at::Tensor values = at::randn({1, 64, 19, 23}).to(at::kBFloat16).contiguous(layout);
        const at::Tensor bfloat16 = values.clone(layout).requires_grad_(true);
        const at::Tensor float32 = values.to(at::kFloat).requires_grad_(true);
        const at::Tensor weights = at::randn({1, 64, 64});
        const at::Tensor gram = gramMatrix(bfloat16);
        const at::Tensor expected = gramMatrix(float32);
        QCOMPARE(gram.scalar_type(), at::kFloat);
        QVERIFY(at::allclose(gram, expected, 1e-5, 1e-6));
        (gram * weights).sum().backward();
        (expected * weights).sum().backward();
        QCOMPARE(bfloat16.grad().scalar_type(), at::kBFloat16);
        QVERIFY(bfloat16.grad().is_contiguous(layout));
        const double error =
            ((bfloat16.grad().to(at::kFloat) - float32.grad()).norm() / float32.grad().norm())
                .item<double>();
        QVERIFY2(error < 0.01, qPrintable(QString::number(error)));
    }

    // The Gram matrix with the (weighted) mean from one node: the same values and gradient as
    // LibTorch's autograd through at::bmm and at::mean, in the features' layout, also where
    // only some positions count (a mask's weights).
    void gramAndMeanMatchLibTorch_data() {
        QTest::addColumn<bool>("weighted");
        QTest::newRow("plain mean") << false;
        QTest::newRow("weighted mean") << true;
    }

    void gramAndMeanMatchLibTorch() {
        QFETCH(bool, weighted);
        at::manual_seed(5);
        const at::Tensor values =
            at::randn({1, 40, 13, 17}).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor positionWeights = weighted ? at::rand({1, 1, 13, 17}) : at::Tensor();
        const at::Tensor gramWeights = at::randn({1, 40, 40});
        const at::Tensor meanWeights = at::randn({1, 40});
        const at::Tensor fused = values.clone(at::MemoryFormat::ChannelsLast).requires_grad_(true);
        const GramAndMean both = gramAndMean(fused, positionWeights);
        ((both.gram * gramWeights).sum() + (both.mean * meanWeights).sum()).backward();
        const at::Tensor plain = values.clone().requires_grad_(true);
        const at::Tensor gram = gramMatrix(plain, GramMethod::Plain);
        const at::Tensor mean =
            at::mean(weighted ? plain * positionWeights : plain, {2, 3}, false, at::kFloat);
        ((gram * gramWeights).sum() + (mean * meanWeights).sum()).backward();
        QVERIFY(at::allclose(both.gram, gram, 1e-4, 1e-5));
        QVERIFY(at::allclose(both.mean, mean, 1e-5, 1e-6));
        QVERIFY(at::allclose(fused.grad(), plain.grad(), 1e-4, 1e-5));
        QVERIFY(fused.grad().is_contiguous(at::MemoryFormat::ChannelsLast));
    }

    // The products of the Wasserstein loss: oneDNN's GEMM on float32, of transposed views too.
    void matrixProductMatchesLibTorch() {
        at::manual_seed(6);
        const at::Tensor a = at::randn({2, 30, 20});
        const at::Tensor b = at::randn({2, 30, 20});
        QVERIFY(at::allclose(matrixProduct(a, b.transpose(1, 2)), at::matmul(a, b.transpose(1, 2)),
                             1e-4, 1e-5));
        QVERIFY(at::allclose(matrixProduct(a.transpose(1, 2), b), at::matmul(a.transpose(1, 2), b),
                             1e-4, 1e-5));
    }

    // Style targets are computed without autograd.
    void worksWithoutAutograd() {
        const at::Tensor features = at::randn({1, 32, 8, 8}).requires_grad_(true);
        const c10::NoGradGuard noGrad;
        const at::Tensor gram = gramMatrix(features);
        QVERIFY(!gram.requires_grad());
        QVERIFY(at::allclose(gram, gramMatrix(features, GramMethod::Plain), 1e-4, 1e-5));
    }
};

QTEST_APPLESS_MAIN(GramMatrixTest)
#include "test_gram_matrix.moc"

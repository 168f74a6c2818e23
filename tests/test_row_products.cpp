// Per-row oneDNN products (core/style/RowProducts.h) on bands of columns of channels-last
// layers, the rows at the layer's stride: against at::matmul, in float32 and bfloat16, on one
// thread and on several at once.
#include <QTest>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include "core/style/RowProducts.h"

using namespace impasto;

namespace {

// Columns [left, left + columns) of every row of a channels-last layer's first item: rows x
// columns x channels, each row dense, the rows a whole layer row apart.
at::Tensor band(const at::Tensor& layer, int64_t left, int64_t columns) {
    return layer[0].permute({1, 2, 0}).narrow(1, left, columns);
}

at::Tensor channelsLastLayer(at::ScalarType type, int64_t channels, int64_t rows, int64_t columns) {
    return at::randn({1, channels, rows, columns})
        .to(type)
        .contiguous(at::MemoryFormat::ChannelsLast);
}

}  // namespace

// Products of `type` do not run here (bfloat16 without AVX-512, or no oneDNN headers).
#define SKIP_WHERE_PRODUCTS_DO_NOT_RUN(type)                            \
    do {                                                                \
        if (!rowProductsRun(type)) {                                    \
            QSKIP("oneDNN row products do not run here for this type"); \
        }                                                               \
    } while (false)

class RowProductsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A build with oneDNN's headers runs float32 products on any processor oneDNN supports; a
    // build without them runs none (the guided Gram matrices then copy their bands).
    void runWhereBuiltWithOneDnn() {
#ifdef IMPASTO_ONEDNN_ROW_PRODUCTS
        QVERIFY(rowProductsRun(at::kFloat));
#else
        QVERIFY(!rowProductsRun(at::kFloat));
        QVERIFY(!rowProductsRun(at::kBFloat16));
#endif
    }

    void productsWriteOnlyTheirBand_data() {
        QTest::addColumn<bool>("bfloat16");
        QTest::addColumn<int>("left");
        QTest::addColumn<int>("columns");
        QTest::newRow("float32, a band of columns") << false << 7 << 50;
        QTest::newRow("bfloat16, a band of columns") << true << 20 << 61;
        QTest::newRow("float32, whole rows") << false << 0 << 90;
        QTest::newRow("bfloat16, one column") << true << 89 << 1;
    }

    // out[r] = in[r] s for a band of rows of one layer into a band of another, the values
    // around the band untouched.
    void productsWriteOnlyTheirBand() {
        QFETCH(bool, bfloat16);
        QFETCH(int, left);
        QFETCH(int, columns);
        at::manual_seed(3);
        const at::ScalarType type = bfloat16 ? at::kBFloat16 : at::kFloat;
        SKIP_WHERE_PRODUCTS_DO_NOT_RUN(type);
        const at::Tensor features = channelsLastLayer(type, 48, 33, 90);
        const at::Tensor weights = at::randn({48, 40}).to(type);
        const at::Tensor out = at::full({1, 40, 33, 90}, 7.0, at::TensorOptions(type))
                                   .contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor before = out.clone();

        rowProducts(band(out, left, columns), band(features, left, columns), weights);

        const at::Tensor expected =
            at::matmul(band(features, left, columns).to(at::kFloat), weights.to(at::kFloat));
        const double tolerance = bfloat16 ? 5e-2 : 1e-4;
        QVERIFY(at::allclose(band(out, left, columns).to(at::kFloat), expected, tolerance,
                             tolerance * expected.abs().max().item<double>()));
        const at::Tensor outside = at::ones({1, 1, 33, 90}, at::kBool);
        outside.narrow(3, left, columns).fill_(false);
        QVERIFY(at::equal(at::masked_select(out, outside), at::masked_select(before, outside)));
    }

    // gram += sum over rows of in[r]^T in[r], added to what the sum held.
    void rowGramsAddToTheSum_data() {
        QTest::addColumn<bool>("bfloat16");
        QTest::addColumn<int>("left");
        QTest::addColumn<int>("columns");
        QTest::newRow("float32, a band of columns") << false << 3 << 70;
        QTest::newRow("bfloat16, a band of columns") << true << 11 << 64;
        QTest::newRow("bfloat16, whole rows") << true << 0 << 90;
    }

    void rowGramsAddToTheSum() {
        QFETCH(bool, bfloat16);
        QFETCH(int, left);
        QFETCH(int, columns);
        at::manual_seed(4);
        const at::ScalarType type = bfloat16 ? at::kBFloat16 : at::kFloat;
        SKIP_WHERE_PRODUCTS_DO_NOT_RUN(type);
        const at::Tensor features = channelsLastLayer(type, 64, 29, 90);
        // As large as the products, so that dropping it shows.
        const at::Tensor start = at::randn({64, 64}) * 2000.0;
        const at::Tensor gram = start.clone();

        addRowGrams(gram, band(features, left, columns));

        const at::Tensor positions = band(features, left, columns).to(at::kFloat).reshape({-1, 64});
        const at::Tensor expected = start + at::matmul(positions.t(), positions);
        const double tolerance = bfloat16 ? 1e-2 : 1e-4;
        QVERIFY(at::allclose(gram, expected, tolerance,
                             tolerance * expected.abs().max().item<double>()));
    }

    // Threads running the same product at once, each on its own band, as the guided Gram
    // matrices' pieces do; LibTorch's thread count is left as it was.
    void threadsShareOneProduct() {
        SKIP_WHERE_PRODUCTS_DO_NOT_RUN(at::kBFloat16);
        at::manual_seed(5);
        const int threads = at::get_num_threads();
        const at::Tensor features = channelsLastLayer(at::kBFloat16, 32, 64, 80);
        const at::Tensor weights = at::randn({32, 32}).to(at::kBFloat16);
        const at::Tensor out = at::zeros_like(features);
        at::parallel_for(0, 8, 1, [&](int64_t begin, int64_t end) {
            for (int64_t piece = begin; piece < end; ++piece) {
                const at::Tensor rows = features.narrow(2, piece * 8, 8);
                rowProducts(band(out.narrow(2, piece * 8, 8), 10, 60), band(rows, 10, 60), weights);
            }
        });
        const at::Tensor expected =
            at::matmul(band(features, 10, 60).to(at::kFloat), weights.to(at::kFloat));
        QVERIFY(at::allclose(band(out, 10, 60).to(at::kFloat), expected, 5e-2,
                             5e-2 * expected.abs().max().item<double>()));
        QCOMPARE(at::get_num_threads(), threads);
    }

    // Rows whose positions are not dense, mixed types and sizes that do not chain are refused
    // with LibTorch's error, not multiplied wrongly.
    void refusesWhatItCannotMultiply() {
        SKIP_WHERE_PRODUCTS_DO_NOT_RUN(at::kFloat);
        const at::Tensor contiguousLayer = at::randn({1, 16, 8, 20});
        const at::Tensor weights = at::randn({16, 16});
        const at::Tensor out = at::empty({8, 20, 16});
        QVERIFY_THROWS_EXCEPTION(c10::Error,
                                 rowProducts(out, contiguousLayer[0].permute({1, 2, 0}), weights));
        const at::Tensor rows = at::randn({8, 20, 16});
        QVERIFY_THROWS_EXCEPTION(c10::Error, rowProducts(out, rows, weights.to(at::kBFloat16)));
        QVERIFY_THROWS_EXCEPTION(c10::Error, rowProducts(out, rows, at::randn({15, 16})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, addRowGrams(at::zeros({15, 15}), rows));
    }
};

QTEST_GUILESS_MAIN(RowProductsTest)
#include "test_row_products.moc"

#include <QTest>

#include "core/common/Error.h"
#include "core/model/CudnnUse.h"
#include "support/TestFiles.h"

using impasto::CudnnUse;
using impasto::cudnnUseFromNeuralStyle;

namespace {

QByteArray describe(const CudnnUse& use) {
    return QByteArray("cuDNN ") + (use.enabled ? "on" : "off") + ", autotune " +
           (use.autotune ? "on" : "off");
}

bool same(const CudnnUse& a, const CudnnUse& b) {
    return a.enabled == b.enabled && a.autotune == b.autotune;
}

}  // namespace

class TestCudnnUse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mapsNeuralStyleFlags_data() {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("autotuneFlag");
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<bool>("autotune");
        QTest::newRow("neither: Impasto's default") << "" << false << true << true;
        QTest::newRow("-cudnn_autotune alone") << "" << true << true << true;
        QTest::newRow("-backend cudnn") << "cudnn" << false << true << false;
        QTest::newRow("-backend cudnn -cudnn_autotune") << "cudnn" << true << true << true;
        QTest::newRow("-backend nn") << "nn" << false << false << false;
        QTest::newRow("-backend nn -cudnn_autotune") << "nn" << true << false << false;
        QTest::newRow("-backend clnn") << "clnn" << false << true << true;
    }
    void mapsNeuralStyleFlags() {
        QFETCH(QString, backend);
        QFETCH(bool, autotuneFlag);
        QFETCH(bool, enabled);
        QFETCH(bool, autotune);
        const CudnnUse use = cudnnUseFromNeuralStyle(backend.toStdString(), autotuneFlag);
        QVERIFY2(same(use, {enabled, autotune}), describe(use));
    }

    void refusesOtherBackends() {
        const QString message =
            impasto::test::errorFrom([] { cudnnUseFromNeuralStyle("opencl", false); });
        QCOMPARE(message, QString("-backend expects nn, cudnn or clnn, not \"opencl\""));
    }

    void choiceReachesLibTorch() {
        // LibTorch's switches are plain flags, set and read back without CUDA too.
        impasto::chooseCudnnUse({.enabled = false, .autotune = false});
        QVERIFY2(same(impasto::currentCudnnUse(), {false, false}),
                 describe(impasto::currentCudnnUse()));
        impasto::chooseCudnnUse({.enabled = true, .autotune = false});
        QVERIFY2(same(impasto::currentCudnnUse(), {true, false}),
                 describe(impasto::currentCudnnUse()));
        // A network moved to CUDA applies the last choice again, not LibTorch's defaults.
        impasto::chooseCudnnUse({});
        impasto::applyChosenCudnnUse();
        QVERIFY2(same(impasto::currentCudnnUse(), {true, true}),
                 describe(impasto::currentCudnnUse()));
    }
};

QTEST_GUILESS_MAIN(TestCudnnUse)
#include "test_cudnn_use.moc"

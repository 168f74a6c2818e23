// Running out of memory in the middle of a run: the session throws an impasto::Error that says
// so and suggests a smaller size, and then carries on at a size that fits. The memory runs out
// for real (the address space is limited, RLIMIT_AS, just above what the process uses, and a
// step at the largest output size needs gigabytes) or at the tensor limit (TensorMemoryLimit.h).
#include <QTest>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>

#include "core/image/ImageLoader.h"
#include "core/model/ComputeDevice.h"
#include "core/model/ModelLoader.h"
#include "core/model/TensorMemoryLimit.h"
#include "core/style/EngineErrors.h"
#include "core/style/StyleSession.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"

using namespace impasto;

namespace {

// The sanitizers reserve terabytes of shadow memory, so an address-space limit is meaningless
// under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kUnderSanitizer = true;
#else
constexpr bool kUnderSanitizer = false;
#endif

// The process's address space in bytes (VmSize in /proc/self/status); 0 if unknown.
uint64_t addressSpaceBytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    uint64_t kilobytes = 0;
    while (status >> key) {
        if (key == "VmSize:" && status >> kilobytes) {
            return kilobytes * 1024;
        }
    }
    return 0;
}

Image sharedPicture(const char* name) {
    return loadImage(test::sharedImage(name).toStdString(), {.maxSide = 128}).image;
}

}  // namespace

class TestOutOfMemory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hugeSizeFailsWithAdviceAndTheSessionRecovers() {
        if (kUnderSanitizer) {
            QSKIP("An address-space limit does not work under a sanitizer");
        }
        StyleSession session(
            loadModel(test::sharedWeights("squeezenet1_1-features.safetensors").toStdString()),
            DevicePreference::Cpu);
        session.setContent(sharedPicture("tubingen.jpg"));
        session.setStyles({sharedPicture("starry_night.jpg")});
        StyleSettings small;
        small.outputSize = 64;
        small.coarseToFine = false;
        session.applySettings(small);
        session.step();

        // 8192 x 6144 px: the first feature maps alone take gigabytes.
        StyleSettings huge = small;
        huge.outputSize = kMaximumOutputSize;
        session.applySettings(huge);
        const uint64_t used = addressSpaceBytes();
        QVERIFY(used > 0);
        rlimit previous{};
        QCOMPARE(::getrlimit(RLIMIT_AS, &previous), 0);
        rlimit limited = previous;
        limited.rlim_cur = used + (uint64_t{3} << 29);  // 1.5 GiB more
        QCOMPARE(::setrlimit(RLIMIT_AS, &limited), 0);
        const QString message = test::errorFrom([&] { session.step(); });
        QCOMPARE(::setrlimit(RLIMIT_AS, &previous), 0);
        QVERIFY2(message.startsWith("Out of memory") && message.contains("smaller output size") &&
                     !message.contains('\n'),
                 qPrintable(message.isEmpty() ? "no error at 8192 px" : message));

        session.applySettings(small);
        const StepReport report = session.step();
        QVERIFY(std::isfinite(report.losses.total));
        QCOMPARE(session.currentImage().width(), 64);
        QCOMPARE(session.currentImage().height(), 48);
    }

    void tensorsLeaveTheAddressSpaceReserve() {
        if (kUnderSanitizer) {
            QSKIP("An address-space limit does not work under a sanitizer");
        }
        useAllCores();  // installs the guard
        const uint64_t used = addressSpaceBytes();
        QVERIFY(used > 0);
        rlimit previous{};
        QCOMPARE(::getrlimit(RLIMIT_AS, &previous), 0);
        rlimit limited = previous;
        // Room for a 64 MiB tensor, not for it and the reserve that oneDNN's kernel generator
        // and new threads need (they crash rather than fail when it is gone).
        limited.rlim_cur = used + kAddressSpaceReserve + (uint64_t{32} << 20);
        QCOMPARE(::setrlimit(RLIMIT_AS, &limited), 0);
        bool refused = false;
        try {
            at::Tensor tooLarge = at::empty({16 << 20}, at::kFloat);
        } catch (const c10::OutOfMemoryError&) {
            refused = true;
        }
        const at::Tensor small = at::ones({1 << 20}, at::kFloat);  // 4 MiB fit beside the reserve
        QCOMPARE(::setrlimit(RLIMIT_AS, &previous), 0);
        QVERIFY2(refused, "a 64 MiB tensor took the address space's reserve");
        QCOMPARE(small.sum().item<float>(), float(1 << 20));
    }

    void tensorLimitStopsAStageTooLargeAndTheSessionRecovers() {
        StyleSession session(
            loadModel(test::sharedWeights("squeezenet1_1-features.safetensors").toStdString()),
            DevicePreference::Cpu);
        session.setContent(sharedPicture("tubingen.jpg"));
        session.setStyles({sharedPicture("starry_night.jpg")});
        StyleSettings small;
        small.outputSize = 64;
        small.coarseToFine = false;
        small.precision = Precision::Float32;
        session.applySettings(small);
        resetTensorMemoryPeak();
        session.step();
        const uint64_t smallPeak = tensorMemoryPeak();
        QVERIFY(smallPeak > 0);

        // 256 px has 16 times the pixels of 64 px: its step needs several times what all of
        // 64 px's did, model included.
        limitTensorMemory(smallPeak * 2);
        StyleSettings larger = small;
        larger.outputSize = 256;
        session.applySettings(larger);
        const QString message = test::errorFrom([&] { session.step(); });
        QVERIFY2(message.startsWith("Out of memory at 256 x 192") &&
                     message.contains("smaller output size"),
                 qPrintable(message.isEmpty() ? "no error over the limit" : message));
        QVERIFY(tensorMemoryInUse() <= smallPeak * 2);

        session.applySettings(small);
        const StepReport report = session.step();
        limitTensorMemory(0);
        QVERIFY(std::isfinite(report.losses.total));
        QCOMPARE(session.currentImage().width(), 64);
    }
};

QTEST_APPLESS_MAIN(TestOutOfMemory)
#include "test_out_of_memory.moc"

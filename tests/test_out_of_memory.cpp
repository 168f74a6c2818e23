// Running out of memory in the middle of a run: the session throws an impasto::Error that says
// so and suggests a smaller size, and then carries on at a size that fits. The memory runs out
// for real: the address space is limited (RLIMIT_AS) just above what the process uses, and a
// step at the largest output size needs gigabytes.
#include <QTest>

#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>

#include "core/image/ImageLoader.h"
#include "core/model/ModelLoader.h"
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
};

QTEST_APPLESS_MAIN(TestOutOfMemory)
#include "test_out_of_memory.moc"

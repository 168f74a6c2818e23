#include <ATen/Parallel.h>
#include <QProcess>
#include <QTest>

#include <chrono>
#include <string>
#include <thread>

#include "core/model/ComputeDevice.h"
#include "core/model/CoreLoad.h"
#include "core/model/ThreadPolicy.h"

using impasto::busySecondsInProcStat;
using impasto::CpuTimes;
using impasto::otherBusyCores;
using impasto::ThreadPolicy;
using impasto::threadsForLoad;

namespace {

// Two CPUs' lines as the kernel writes them: user nice system idle iowait irq softirq steal
// guest guest_nice, in ticks.
constexpr const char* kProcStat =
    "cpu  350 20 60 9000 100 3 7 500 0 0\n"
    "cpu0 100 10 30 4500 50 1 4 200 0 0\n"
    "cpu1 250 10 30 4500 50 2 3 300 0 0\n"
    "intr 7120402 0 0\n"
    "ctxt 123\n";

}  // namespace

class TestThreadPolicy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // One thread per core other programs leave free: a core counts as theirs once they keep it
    // busy kTakenCoreShare (0.4) of the time, and the work always keeps one.
    void threadsFollowTheLoad() {
        QCOMPARE(threadsForLoad(2, 0.0), 2);
        QCOMPARE(threadsForLoad(2, 0.3), 2);   // a light neighbour: both cores still pay
        QCOMPARE(threadsForLoad(2, 0.67), 1);  // a busy loop sharing two cores with our two
        QCOMPARE(threadsForLoad(2, 1.0), 1);
        QCOMPARE(threadsForLoad(2, 2.0), 1);  // every core busy: one thread, never none
        QCOMPARE(threadsForLoad(2, 5.0), 1);
        QCOMPARE(threadsForLoad(1, 0.0), 1);
        QCOMPARE(threadsForLoad(8, 1.3), 7);
        QCOMPARE(threadsForLoad(8, 1.5), 6);
        QCOMPARE(threadsForLoad(8, -0.1), 8);  // rounding in the kernel's tick counts
    }

    // Busy time is user, nice, system and interrupts of the CPUs asked for; idle, I/O wait and
    // a hypervisor's steal are not.
    void busyTimeComesFromTheCpusLines() {
        QCOMPARE(busySecondsInProcStat(kProcStat, {0}, 100), (100 + 10 + 30 + 1 + 4) / 100.0);
        QCOMPARE(busySecondsInProcStat(kProcStat, {1}, 100), (250 + 10 + 30 + 2 + 3) / 100.0);
        QCOMPARE(busySecondsInProcStat(kProcStat, {0, 1}, 100), (145 + 295) / 100.0);
        QCOMPARE(busySecondsInProcStat(kProcStat, {2}, 100), 0.0);
        QCOMPARE(busySecondsInProcStat("cpu0 garbage\n", {0}, 100), 0.0);
        QCOMPARE(busySecondsInProcStat(kProcStat, {0}, 0), 0.0);
    }

    // Other programs' share: all busy time less this process's, over the wall time.
    void otherProgramsAreTheBusyTimeLessOurs() {
        const CpuTimes from{.wallSeconds = 10.0, .busySeconds = 100.0, .ownSeconds = 5.0};
        const CpuTimes to{.wallSeconds = 12.0, .busySeconds = 104.0, .ownSeconds = 7.0};
        QCOMPARE(otherBusyCores(from, to), 1.0);
        QCOMPARE(otherBusyCores(from, from), 0.0);
        const CpuTimes unreadable{.wallSeconds = 12.0, .busySeconds = 0.0, .ownSeconds = 7.0};
        QCOMPARE(otherBusyCores(from, unreadable), 0.0);
        const CpuTimes onlyUs{.wallSeconds = 12.0, .busySeconds = 103.9, .ownSeconds = 9.0};
        QCOMPARE(otherBusyCores(from, onlyUs), 0.0);
    }

    // A count that is asked for is what LibTorch runs, whatever the load.
    void aCountAskedForIsKept() {
        ThreadPolicy policy;
        QCOMPARE(policy.apply(1), 1);
        QCOMPARE(at::get_num_threads(), 1);
        QCOMPARE(policy.reason(), std::string("set"));
        QCOMPARE(policy.apply(3), 3);
        QCOMPARE(at::get_num_threads(), 3);
    }

    void environmentCountIsTheUsersChoice() {
        qputenv("OMP_NUM_THREADS", "1");
        ThreadPolicy policy;
        const int threads = policy.apply(0);
        qunsetenv("OMP_NUM_THREADS");
        QCOMPARE(threads, 1);
        QCOMPARE(policy.reason(), std::string("OMP_NUM_THREADS"));
    }

    // The real thing: a busy shell beside the process takes a core from the automatic count.
    void aBusyProgramTakesACore() {
        const int cores = impasto::availableCores();
        if (cores < 2) {
            QSKIP("one core: the automatic count is always 1");
        }
        QProcess busy;
        busy.start("/bin/sh", {"-c", "while :; do :; done"});
        QVERIFY(busy.waitForStarted());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        ThreadPolicy policy;
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        const int threads = policy.apply(0);
        busy.kill();
        busy.waitForFinished();
        QVERIFY2(threads <= cores - 1, policy.reason().c_str());
        QVERIFY2(policy.reason().starts_with("auto: other programs keep"), policy.reason().c_str());
        QCOMPARE(at::get_num_threads(), threads);
    }
};

QTEST_GUILESS_MAIN(TestThreadPolicy)
#include "test_thread_policy.moc"

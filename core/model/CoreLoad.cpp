#include "core/model/CoreLoad.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

namespace impasto {

namespace {

std::vector<int> affinityCpus() {
    std::vector<int> cpus;
    cpu_set_t mask;
    if (::sched_getaffinity(0, sizeof mask, &mask) != 0) {
        return cpus;
    }
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &mask)) {
            cpus.push_back(cpu);
        }
    }
    return cpus;
}

// The busy ticks of one "cpuN user nice system idle iowait irq softirq steal ..." line.
unsigned long long busyTicks(std::string_view fields) {
    unsigned long long values[7] = {};
    const char* position = fields.data();
    const char* end = fields.data() + fields.size();
    for (unsigned long long& value : values) {
        while (position < end && *position == ' ') {
            ++position;
        }
        const auto [next, error] = std::from_chars(position, end, value);
        if (error != std::errc()) {
            return 0;
        }
        position = next;
    }
    const auto [user, nice, system, idle, ioWait, irq, softIrq] = values;
    (void)idle;
    (void)ioWait;
    return user + nice + system + irq + softIrq;
}

double secondsOf(const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) * 1e-6;
}

}  // namespace

double busySecondsInProcStat(std::string_view procStat, const std::vector<int>& cpus,
                             long ticksPerSecond) {
    if (ticksPerSecond <= 0) {
        return 0.0;
    }
    unsigned long long ticks = 0;
    while (!procStat.empty()) {
        const size_t lineEnd = std::min(procStat.find('\n'), procStat.size());
        const std::string_view line = procStat.substr(0, lineEnd);
        procStat.remove_prefix(std::min(lineEnd + 1, procStat.size()));
        if (!line.starts_with("cpu") || line.size() < 4 || line[3] == ' ') {
            continue;  // not a single CPU's line (the first, "cpu ", sums them all)
        }
        int cpu = -1;
        const auto [afterNumber, error] = std::from_chars(line.data() + 3, line.end(), cpu);
        if (error != std::errc() || std::find(cpus.begin(), cpus.end(), cpu) == cpus.end()) {
            continue;
        }
        ticks += busyTicks(line.substr(afterNumber - line.data()));
    }
    return static_cast<double>(ticks) / static_cast<double>(ticksPerSecond);
}

CpuTimes readCpuTimes() {
    CpuTimes times;
    times.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) == 0) {
        times.ownSeconds = secondsOf(usage.ru_utime) + secondsOf(usage.ru_stime);
    }
    std::ifstream file("/proc/stat");
    if (file) {
        const std::string text{std::istreambuf_iterator<char>(file), {}};
        times.busySeconds = busySecondsInProcStat(text, affinityCpus(), ::sysconf(_SC_CLK_TCK));
    }
    return times;
}

double otherBusyCores(const CpuTimes& from, const CpuTimes& to) {
    const double wall = to.wallSeconds - from.wallSeconds;
    if (wall <= 0.0 || to.busySeconds <= 0.0) {
        return 0.0;
    }
    const double others = (to.busySeconds - from.busySeconds) - (to.ownSeconds - from.ownSeconds);
    return std::max(0.0, others / wall);
}

}  // namespace impasto

#pragma once

#include <string_view>
#include <vector>

namespace impasto {

// CPU time on the cores this process may run on, to tell how busy other programs keep them.
struct CpuTimes {
    double wallSeconds = 0.0;  // steady clock
    // Every program's CPU time on those cores (user, nice, system, interrupts; not idle, I/O
    // wait or a hypervisor's steal), 0 where /proc/stat cannot be read.
    double busySeconds = 0.0;
    double ownSeconds = 0.0;  // this process's, all its threads
};

// Now, from /proc/stat (the cores of this process's affinity mask) and getrusage.
CpuTimes readCpuTimes();

// The busy seconds /proc/stat's text `procStat` shows on the `cpus` (its cpuN lines), counted
// in ticksPerSecond (sysconf(_SC_CLK_TCK)).
double busySecondsInProcStat(std::string_view procStat, const std::vector<int>& cpus,
                             long ticksPerSecond);

// How many cores other programs kept busy on average between two readings, at least 0 (0 for
// an empty interval, and where /proc/stat could not be read).
double otherBusyCores(const CpuTimes& from, const CpuTimes& to);

}  // namespace impasto

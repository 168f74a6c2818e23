#include "core/model/ThreadPolicy.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "core/model/ComputeDevice.h"

namespace impasto {

namespace {

// OMP_NUM_THREADS's first count ("4" or "4,2"), 0 when unset or not a count.
int environmentThreads() {
    const char* value = std::getenv("OMP_NUM_THREADS");
    return value == nullptr ? 0 : std::max(0, std::atoi(value));
}

}  // namespace

int threadsForLoad(int cores, double otherBusyCores) {
    const double taken = std::floor(std::max(0.0, otherBusyCores) + (1.0 - kTakenCoreShare));
    const int free = cores - static_cast<int>(std::min<double>(taken, cores));
    return std::max(1, free);
}

ThreadPolicy::ThreadPolicy() : since_(readCpuTimes()) {}

int ThreadPolicy::apply(int requested) {
    const int fromEnvironment = environmentThreads();
    if (requested > 0) {
        threads_ = requested;
        reason_ = "set";
        automatic_ = false;
    } else if (fromEnvironment > 0) {
        threads_ = fromEnvironment;
        reason_ = "OMP_NUM_THREADS";
        automatic_ = false;
    } else {
        decideFromLoad();
    }
    if (at::get_num_threads() != threads_) {
        at::set_num_threads(threads_);
    }
    return threads_;
}

void ThreadPolicy::decideFromLoad() {
    const double now =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    const double window = now - since_.wallSeconds;
    if (automatic_ && window < kLoadWindowSeconds) {
        return;
    }
    if (window < kFirstLoadWindowSeconds) {
        std::this_thread::sleep_for(
            std::chrono::duration<double>(kFirstLoadWindowSeconds - window));
    }
    const CpuTimes times = readCpuTimes();
    const int cores = availableCores();
    const double others = otherBusyCores(since_, times);
    since_ = times;
    threads_ = threadsForLoad(cores, others);
    automatic_ = true;
    char text[96];
    std::snprintf(text, sizeof text, "auto: other programs keep %.1f of %d cores busy", others,
                  cores);
    reason_ = text;
}

}  // namespace impasto

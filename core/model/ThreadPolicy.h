#pragma once

#include <string>

#include "core/model/CoreLoad.h"

namespace impasto {

// How many cores other programs must keep busy, on average, before one counts as theirs.
inline constexpr double kTakenCoreShare = 0.4;
// Automatic counts follow the load measured over windows this long (the first, at the start of a
// run, may be shorter but not below kFirstLoadWindowSeconds).
inline constexpr double kLoadWindowSeconds = 0.5;
inline constexpr double kFirstLoadWindowSeconds = 0.05;

// The automatic thread count: one per core that other programs leave free, at least one.
int threadsForLoad(int cores, double otherBusyCores);

// LibTorch's CPU threads (OpenMP; libgomp in Debian's build) wait for each other by spinning, so
// a step runs at the pace of its slowest thread: with another program busy on one of two cores,
// two threads made a run 8x slower, one thread 1.5x. Automatic mode (a count of 0) therefore
// gives the work the cores other programs leave free (threadsForLoad), measured as the run goes.
class ThreadPolicy {
public:
    ThreadPolicy();  // starts measuring the load

    // Sets LibTorch's thread count on the calling thread (OpenMP's count is per thread) for the
    // work that follows, and returns it: `requested` when above 0; else OMP_NUM_THREADS when set
    // (the user's choice); else threadsForLoad, decided again once the last decision is
    // kLoadWindowSeconds old.
    int apply(int requested);
    int threads() const { return threads_; }
    // Why that many: "set", "OMP_NUM_THREADS", "auto: other programs keep 1.0 of 2 cores busy".
    const std::string& reason() const { return reason_; }

private:
    void decideFromLoad();

    CpuTimes since_;
    bool automatic_ = false;  // whether the current count was decided from the load
    int threads_ = 0;
    std::string reason_;
};

}  // namespace impasto

#pragma once

#include <sys/types.h>

namespace impasto::bench {

// An unrelated program that keeps one core busy for as long as this lives: a shell running
// `while :; do :; done`, as on an artist's machine where something else is computing.
class BusyProcess {
public:
    BusyProcess();  // throws impasto::Error when the shell cannot start
    ~BusyProcess();
    BusyProcess(const BusyProcess&) = delete;
    BusyProcess& operator=(const BusyProcess&) = delete;

private:
    pid_t pid_ = -1;
};

}  // namespace impasto::bench

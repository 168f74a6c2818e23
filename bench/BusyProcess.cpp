#include "bench/BusyProcess.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "core/common/Error.h"

extern char** environ;

namespace impasto::bench {

BusyProcess::BusyProcess() {
    char shell[] = "/bin/sh";
    char flag[] = "-c";
    char loop[] = "while :; do :; done";
    char* arguments[] = {shell, flag, loop, nullptr};
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
        throw Error(std::string("Cannot start a busy shell: ") + std::strerror(errno));
    }
    if (pid_ == 0) {
        // Dies with the bench, so that a bench killed mid-measurement leaves no loop behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(1);
        }
        ::execve(shell, arguments, environ);
        ::_exit(127);
    }
    // Running before the measured work starts, as another program would be.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

BusyProcess::~BusyProcess() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace impasto::bench

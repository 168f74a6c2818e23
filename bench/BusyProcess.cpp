#include "bench/BusyProcess.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

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
    const int error = ::posix_spawn(&pid_, shell, nullptr, nullptr, arguments, environ);
    if (error != 0) {
        throw Error(std::string("Cannot start a busy shell: ") + std::strerror(error));
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

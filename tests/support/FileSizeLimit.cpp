#include "support/FileSizeLimit.h"

namespace impasto::test {

FileSizeLimit::FileSizeLimit(rlim_t bytes) {
    previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
    if (::getrlimit(RLIMIT_FSIZE, &previous_) != 0) {
        return;
    }
    rlimit limited = previous_;
    limited.rlim_cur = bytes;
    active_ = ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
}

FileSizeLimit::~FileSizeLimit() {
    if (active_) {
        ::setrlimit(RLIMIT_FSIZE, &previous_);
    }
    std::signal(SIGXFSZ, previousHandler_);
}

}  // namespace impasto::test

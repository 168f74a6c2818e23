#pragma once

#include <sys/resource.h>

#include <csignal>

namespace impasto::test {

// A full disk without root, for as long as it lives: RLIMIT_FSIZE makes writes past `bytes`
// fail with EFBIG, once SIGXFSZ (which would end the process) is ignored. Restores both.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes);
    ~FileSizeLimit();
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

    // Whether the limit took effect (a test should fail when it did not).
    bool active() const { return active_; }

private:
    rlimit previous_{};
    void (*previousHandler_)(int) = SIG_DFL;
    bool active_ = false;
};

}  // namespace impasto::test

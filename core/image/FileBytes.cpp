#include "core/image/FileBytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/Error.h"

namespace impasto {

namespace {

// Whole megabytes; a size over the limit is rounded up and the limit down, so that the two never
// read as equal.
std::string megabytes(uint64_t bytes, bool roundUp) {
    return std::to_string((bytes + (roundUp ? 999'999 : 0)) / 1'000'000) + " MB";
}

// Closes the descriptor however the read ends.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::vector<uint8_t> readFileBytes(const std::filesystem::path& file) {
    const std::string name = file.string();
    const FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            throw Error(name + " does not exist");
        }
        throw Error("Cannot read " + name + ": " + std::strerror(errno));
    }
    // The size comes from the open file, so that it cannot change between check and read.
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        throw Error("Cannot read " + name + ": " + std::strerror(errno));
    }
    if (S_ISDIR(info.st_mode)) {
        throw Error(name + " is a folder, not a file");
    }
    if (!S_ISREG(info.st_mode)) {
        throw Error("Cannot read " + name + ": it is not a regular file");
    }
    const auto size = static_cast<uint64_t>(info.st_size);
    if (size > kMaxImageFileBytes) {
        throw Error(name + " is too large to read (" + megabytes(size, true) + "; the limit is " +
                    megabytes(kMaxImageFileBytes, false) + ")");
    }
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t n = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error("Cannot read " + name + ": " + std::strerror(errno));
        }
        if (n == 0) {
            throw Error("Cannot read " + name + ": the file ended early while being read");
        }
        filled += static_cast<size_t>(n);
    }
    return bytes;
}

}  // namespace impasto

#include "core/common/RegularFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/Error.h"

namespace impasto {

namespace {

// What a file that is not regular is, as the message that refuses it says it.
const char* whatItIs(mode_t mode) {
    if (S_ISDIR(mode)) {
        return " is a folder, not a file";
    }
    if (S_ISFIFO(mode)) {
        return " is a named pipe, not a file";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return " is a device, not a file";
    }
    if (S_ISSOCK(mode)) {
        return " is a socket, not a file";
    }
    return " is not a regular file";
}

}  // namespace

RegularFile::RegularFile(const std::filesystem::path& file) : file_(file) {
    const std::string name = file.string();
    fd_ = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        if (errno == ENOENT) {
            throw Error(name + " does not exist");
        }
        throw Error("Cannot read " + name + ": " + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd_, &info) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(fd_);
        throw Error("Cannot read " + name + ": " + reason);
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd_);
        throw Error(name + whatItIs(info.st_mode));
    }
    // O_NONBLOCK does nothing to the reads of a regular file.
    size_ = static_cast<uint64_t>(info.st_size);
}

RegularFile::~RegularFile() {
    ::close(fd_);
}

std::vector<uint8_t> RegularFile::readAll() const {
    return readStart(static_cast<size_t>(size_ > 0 ? size_ : kUnsizedReadLimit));
}

std::vector<uint8_t> RegularFile::readStart(size_t count) const {
    const bool unsized = size_ == 0;
    std::vector<uint8_t> bytes(
        static_cast<size_t>(std::min<uint64_t>(count, unsized ? kUnsizedReadLimit : size_)));
    size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t n =
            ::pread(fd_, bytes.data() + filled, bytes.size() - filled, static_cast<off_t>(filled));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error("Cannot read " + file_.string() + ": " + std::strerror(errno));
        }
        if (n == 0 && unsized) {
            bytes.resize(filled);
            break;
        }
        if (n == 0) {
            throw Error("Cannot read " + file_.string() +
                        ": the file ended early while being read");
        }
        filled += static_cast<size_t>(n);
    }
    return bytes;
}

}  // namespace impasto

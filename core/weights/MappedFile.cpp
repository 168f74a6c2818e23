#include "core/weights/MappedFile.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/Error.h"

namespace impasto {

namespace {

[[noreturn]] void throwSystemError(const std::filesystem::path& file, int error) {
    throw Error("Cannot read " + file.string() + ": " + std::strerror(error));
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& file) {
    // Non-blocking: a named pipe without a writer would hold open() forever; it is refused below.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        throwSystemError(file, errno);
    }
    struct stat status {};
    if (::fstat(fd, &status) != 0) {
        const int error = errno;
        ::close(fd);
        throwSystemError(file, error);
    }
    if (!S_ISREG(status.st_mode)) {
        ::close(fd);
        throw Error("Cannot read " + file.string() + ": not a regular file");
    }
    size_ = static_cast<size_t>(status.st_size);
    // mmap rejects a zero length; an empty file is simply an empty span.
    if (size_ > 0) {
        void* mapping = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapping == MAP_FAILED) {
            const int error = errno;
            ::close(fd);
            throwSystemError(file, error);
        }
        data_ = static_cast<const uint8_t*>(mapping);
    }
    // The mapping stays valid after the descriptor is closed.
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) {
        ::munmap(const_cast<uint8_t*>(data_), size_);
    }
}

}  // namespace impasto

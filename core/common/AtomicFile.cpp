#include "core/common/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/Error.h"

namespace impasto {

namespace {

std::string systemMessage() {
    return std::strerror(errno);
}

// Writes everything or throws; retries short writes and EINTR.
void writeAll(int fd, std::span<const uint8_t> bytes, const std::filesystem::path& file) {
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw Error("Cannot write " + file.string() + ": " + systemMessage());
        }
        written += static_cast<size_t>(n);
    }
}

}  // namespace

void writeFileAtomically(const std::filesystem::path& file, std::span<const uint8_t> bytes) {
    const std::filesystem::path folder =
        file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    // Appended piecewise: `"." + string` trips a false -Wrestrict in GCC 12 at -O3.
    std::string hiddenName = ".";
    hiddenName += file.filename().string();
    hiddenName += ".XXXXXX";
    std::string pattern = (folder / hiddenName).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        throw Error("Cannot write " + file.string() + ": " + systemMessage());
    }
    const std::filesystem::path temporary = pattern;
    try {
        writeAll(fd, bytes, file);
        // mkstemp creates the file 0600; an exported image should be readable like any other.
        if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
            throw Error("Cannot write " + file.string() + ": " + systemMessage());
        }
    } catch (...) {
        ::close(fd);
        std::filesystem::remove(temporary);
        throw;
    }
    if (::close(fd) != 0) {
        const std::string reason = systemMessage();
        std::filesystem::remove(temporary);
        throw Error("Cannot write " + file.string() + ": " + reason);
    }
    if (std::rename(temporary.c_str(), file.c_str()) != 0) {
        const std::string reason = systemMessage();
        std::filesystem::remove(temporary);
        throw Error("Cannot replace " + file.string() + ": " + reason);
    }
}

}  // namespace impasto

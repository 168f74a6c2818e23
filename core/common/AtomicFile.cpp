#include "core/common/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "core/common/Error.h"

namespace impasto {

namespace {

std::string systemMessage() {
    return std::strerror(errno);
}

// The process's umask. umask() can only be read by setting it, which races with threads that
// create files meanwhile; Linux reports it in /proc/self/status instead.
mode_t currentUmask() {
    constexpr mode_t fallback = 022;
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        constexpr std::string_view key = "Umask:";
        if (line.compare(0, key.size(), key) != 0) {
            continue;
        }
        const size_t digits = line.find_first_not_of(" \t", key.size());
        if (digits == std::string::npos) {
            return fallback;
        }
        unsigned value = 0;
        const char* end = line.data() + line.size();
        const auto [stop, error] = std::from_chars(line.data() + digits, end, value, 8);
        return error == std::errc() && stop == end && value <= 0777 ? mode_t(value) : fallback;
    }
    return fallback;
}

// Replacing a file keeps its permissions (a private file stays private); a new file gets what
// open() would have given it. mkstemp itself always creates 0600.
mode_t permissionsFor(const std::filesystem::path& file) {
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
        return info.st_mode & 0777;
    }
    return 0666 & ~currentUmask();
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

// Cleanup on a path that already failed: a filesystem_error here would hide the real reason.
void removeQuietly(const std::filesystem::path& file) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
}

// Makes the rename itself durable. The new content is already on disk and visible, so a
// failure here is not worth failing the write for.
void syncFolder(const std::filesystem::path& folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

void writeFileAtomically(const std::filesystem::path& file, std::span<const uint8_t> bytes) {
    const std::filesystem::path folder =
        file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    const mode_t permissions = permissionsFor(file);
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
        if (::fchmod(fd, permissions) != 0 || ::fsync(fd) != 0) {
            throw Error("Cannot write " + file.string() + ": " + systemMessage());
        }
    } catch (...) {
        ::close(fd);
        removeQuietly(temporary);
        throw;
    }
    if (::close(fd) != 0) {
        const std::string reason = systemMessage();
        removeQuietly(temporary);
        throw Error("Cannot write " + file.string() + ": " + reason);
    }
    if (std::rename(temporary.c_str(), file.c_str()) != 0) {
        const std::string reason = systemMessage();
        removeQuietly(temporary);
        throw Error("Cannot replace " + file.string() + ": " + reason);
    }
    syncFolder(folder);
}

}  // namespace impasto

#include "core/common/AtomicFile.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

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

constexpr std::string_view kTemporarySuffix = "XXXXXX";  // mkstemp's random characters

// ".<name>.": hidden, after the file it replaces, and cut so that the temporary's name fits
// where the file's does (NAME_MAX bytes), as cut bytes: names on Linux need not be UTF-8.
std::string temporaryPrefix(const std::filesystem::path& file) {
    const std::string name = file.filename().string();
    const size_t room = NAME_MAX - kTemporarySuffix.size() - 2;
    // Appended piecewise: `"." + string` trips a false -Wrestrict in GCC 12 at -O3.
    std::string prefix = ".";
    prefix.append(name, 0, std::min(name.size(), room));
    prefix += '.';
    return prefix;
}

// Whether `name` is `prefix` and mkstemp's six random characters.
bool isTemporaryName(std::string_view name, std::string_view prefix) {
    return name.size() == prefix.size() + kTemporarySuffix.size() && name.starts_with(prefix) &&
           std::all_of(name.begin() + prefix.size(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// A writer holds a lock on its temporary until the rename; one nobody holds was left by a
// process killed while writing (a crash, kill -9, a power cut) and is removed before the next
// write of the same file, so that hidden partial files do not pile up.
void removeAbandonedTemporaries(const std::filesystem::path& folder, std::string_view prefix) {
    std::error_code error;
    for (auto entry = std::filesystem::directory_iterator(folder, error);
         !error && entry != std::filesystem::directory_iterator(); entry.increment(error)) {
        const std::filesystem::path candidate = entry->path();
        if (!isTemporaryName(candidate.filename().string(), prefix)) {
            continue;
        }
        const int fd = ::open(candidate.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        struct stat info {};
        if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
            ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            removeQuietly(candidate);
        }
        ::close(fd);
    }
}

// A new temporary from mkstemp's `pattern`, locked. Another writer's cleanup may remove it
// between the two (it was not locked yet); it is then made again.
std::pair<int, std::filesystem::path> createLockedTemporary(const std::string& pattern,
                                                            const std::filesystem::path& file) {
    for (int attempt = 0;; ++attempt) {
        std::string name = pattern;
        const int fd = ::mkstemp(name.data());
        if (fd < 0) {
            throw Error("Cannot write " + file.string() + ": " + systemMessage());
        }
        struct stat info {};
        if (::flock(fd, LOCK_EX) != 0 || ::fstat(fd, &info) != 0) {
            const std::string reason = systemMessage();
            ::close(fd);
            removeQuietly(name);
            throw Error("Cannot write " + file.string() + ": " + reason);
        }
        if (info.st_nlink > 0 || attempt == 2) {
            return {fd, name};
        }
        ::close(fd);
    }
}

// The file a symbolic link names (following chains, dangling ones included), so that the file is
// replaced and the link stays, as open() would write through it.
std::filesystem::path throughLinks(std::filesystem::path file) {
    constexpr int kMaximumLinks = 40;  // Linux's own limit (ELOOP)
    for (int hops = 0; hops < kMaximumLinks; ++hops) {
        std::error_code error;
        if (!std::filesystem::is_symlink(std::filesystem::symlink_status(file, error))) {
            return file;
        }
        const std::filesystem::path link = std::filesystem::read_symlink(file, error);
        if (error) {
            return file;
        }
        file = link.is_absolute() ? link : file.parent_path() / link;
    }
    throw Error("Cannot write " + file.string() + ": too many levels of symbolic links");
}

}  // namespace

void writeFileAtomically(const std::filesystem::path& named, std::span<const uint8_t> bytes) {
    const std::filesystem::path file = throughLinks(named);
    const std::filesystem::path folder =
        file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    const mode_t permissions = permissionsFor(file);
    const std::string prefix = temporaryPrefix(file);
    removeAbandonedTemporaries(folder, prefix);
    const std::string pattern = (folder / prefix).string() + std::string(kTemporarySuffix);
    const auto [fd, temporary] = createLockedTemporary(pattern, file);
    try {
        writeAll(fd, bytes, file);
        if (::fchmod(fd, permissions) != 0 || ::fsync(fd) != 0) {
            throw Error("Cannot write " + file.string() + ": " + systemMessage());
        }
        // Renamed while still locked, so that no other writer's cleanup can take it first.
        if (std::rename(temporary.c_str(), file.c_str()) != 0) {
            throw Error("Cannot replace " + file.string() + ": " + systemMessage());
        }
    } catch (...) {
        ::close(fd);
        removeQuietly(temporary);
        throw;
    }
    // The content is on disk (fsync): closing cannot lose it.
    ::close(fd);
    syncFolder(folder);
}

}  // namespace impasto

#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace impasto {

// A regular file open for reading, closed with the object. Opening never blocks: a named pipe
// without a writer would hold open() forever, so files are opened non-blocking and anything that
// is not a regular file (a folder, a pipe, a device, a socket) is refused before a byte is read.
// Throws impasto::Error with a message that starts with the file's name, or with "Cannot read"
// and the system's reason.
class RegularFile {
public:
    explicit RegularFile(const std::filesystem::path& file);
    ~RegularFile();
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;

    // From the open file, so that it cannot change between a check and the read.
    uint64_t size() const { return size_; }
    // The whole content: size() bytes; throws impasto::Error when the file ends early. A file of
    // size 0 may still hold bytes (the kernel's files in /proc report no size): it is read to
    // its end, up to kUnsizedReadLimit, which is enough to tell what it is.
    static constexpr size_t kUnsizedReadLimit = size_t{1} << 20;
    std::vector<uint8_t> readAll() const;
    // The first `count` bytes, or all of a shorter file (a signature, say).
    std::vector<uint8_t> readStart(size_t count) const;

private:
    std::filesystem::path file_;
    int fd_ = -1;
    uint64_t size_ = 0;
};

}  // namespace impasto

#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

namespace impasto {

// A whole file mapped read-only into memory. Readers decode straight from the mapping, so a
// 548 MB VGG-19 file costs no second copy and pages of skipped tensors are never touched.
class MappedFile {
public:
    // Throws impasto::Error naming the file when it cannot be opened or mapped.
    explicit MappedFile(const std::filesystem::path& file);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const uint8_t> bytes() const { return {data_, size_}; }

private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace impasto

#include "core/image/FileBytes.h"

#include <string>

#include "core/common/Error.h"
#include "core/common/RegularFile.h"

namespace impasto {

namespace {

// Whole megabytes; a size over the limit is rounded up and the limit down, so that the two never
// read as equal.
std::string megabytes(uint64_t bytes, bool roundUp) {
    return std::to_string((bytes + (roundUp ? 999'999 : 0)) / 1'000'000) + " MB";
}

}  // namespace

std::vector<uint8_t> readFileBytes(const std::filesystem::path& file) {
    const RegularFile opened(file);
    if (opened.size() > kMaxImageFileBytes) {
        throw Error(file.string() + " is too large to read (" + megabytes(opened.size(), true) +
                    "; the limit is " + megabytes(kMaxImageFileBytes, false) + ")");
    }
    return opened.readAll();
}

}  // namespace impasto

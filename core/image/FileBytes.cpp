#include "core/image/FileBytes.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include "core/common/Error.h"

namespace impasto {

std::vector<uint8_t> readFileBytes(const std::filesystem::path& file) {
    const std::string name = file.string();
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(file, error);
    if (status.type() == std::filesystem::file_type::not_found) {
        throw Error(name + " does not exist");
    }
    if (status.type() == std::filesystem::file_type::directory) {
        throw Error(name + " is a folder, not a file");
    }
    std::ifstream stream(file, std::ios::binary | std::ios::ate);
    if (!stream) {
        throw Error("Cannot read " + name + ": " + std::strerror(errno));
    }
    const std::streamoff size = stream.tellg();
    if (size < 0) {
        throw Error("Cannot read " + name + ": its size cannot be determined");
    }
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    stream.seekg(0);
    if (!stream.read(reinterpret_cast<char*>(bytes.data()), size)) {
        throw Error("Cannot read " + name + ": the file ended early while being read");
    }
    return bytes;
}

}  // namespace impasto

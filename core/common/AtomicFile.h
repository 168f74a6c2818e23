#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

namespace impasto {

// Replaces `file` with `bytes` so that readers only ever see the old or the new content:
// temporary file in the same folder, fsync, rename, fsync of the folder. An existing file keeps
// its permissions; a new one gets 0666 less the umask, as with open(). A symbolic link is written
// through (the file it names is replaced, the link kept). The temporary's name fits wherever
// the file's does, and temporaries of `file` that a killed process left behind are removed.
// Throws impasto::Error on failure and leaves any existing file untouched.
void writeFileAtomically(const std::filesystem::path& file, std::span<const uint8_t> bytes);

}  // namespace impasto

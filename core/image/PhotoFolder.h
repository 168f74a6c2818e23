#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/image/Image.h"

namespace impasto {

// Whether `file` is named like a picture Impasto reads (.png .jpg .jpeg .tif .tiff .bmp .webp,
// any case) and is not hidden.
bool isImageFileName(const std::filesystem::path& file);
// The pictures directly in `folder`, by name. Throws impasto::Error when the folder cannot be
// read or holds none.
std::vector<std::filesystem::path> imageFilesIn(const std::filesystem::path& folder);

// Photos decoded for training, and why each of the others could not be (naming the file).
struct DecodedPhotos {
    std::vector<Image> images;
    std::vector<std::string> skipped;
};
// Each of `files` decoded at most `maxSide` px on its longest side; one that fails is named in
// `skipped`. Throws impasto::Error when none could be decoded, or when `stopRequested` says so
// between two photos (a large folder takes long).
DecodedPhotos decodePhotos(const std::vector<std::filesystem::path>& files, int maxSide,
                           const std::function<bool()>& stopRequested = {});

}  // namespace impasto

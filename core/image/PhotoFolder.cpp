#include "core/image/PhotoFolder.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <system_error>

#include "core/common/Error.h"
#include "core/image/ImageLoader.h"

namespace impasto {

namespace fs = std::filesystem;

bool isImageFileName(const fs::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::set<std::string> kImageExtensions = {".png",  ".jpg", ".jpeg", ".tif",
                                                           ".tiff", ".bmp", ".webp"};
    return kImageExtensions.contains(extension) && !file.filename().string().starts_with('.');
}

std::vector<fs::path> imageFilesIn(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code error;
    for (auto entry = fs::directory_iterator(folder, error);
         !error && entry != fs::directory_iterator(); entry.increment(error)) {
        if (entry->is_regular_file() && isImageFileName(entry->path())) {
            files.push_back(entry->path());
        }
    }
    if (error) {
        throw Error("Cannot read the folder " + folder.string() + ": " + error.message());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        throw Error("The folder " + folder.string() +
                    " holds no images (.png, .jpg, .jpeg, .tif, .tiff, .bmp, .webp)");
    }
    return files;
}

DecodedPhotos decodePhotos(const std::vector<fs::path>& files, int maxSide,
                           const std::function<bool()>& stopRequested) {
    DecodedPhotos photos;
    ImageLoadOptions load;
    load.maxSide = maxSide;
    for (const fs::path& file : files) {
        if (stopRequested && stopRequested()) {
            throw Error("Stopped while reading the photos");
        }
        try {
            photos.images.push_back(loadImage(file, load).image);
        } catch (const Error& error) {
            photos.skipped.push_back(error.what());  // it names the file
        }
    }
    if (photos.images.empty()) {
        throw Error("None of the " + std::to_string(files.size()) + " photos could be read");
    }
    return photos;
}

}  // namespace impasto

#include "ui/session/MaskFilesBeside.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <system_error>

#include "core/image/MaskFile.h"

namespace impasto::ui {

namespace {

// "<stem>.mask-<which>.png" for where the paintings apply and the keep mask,
// "<stem>.source-mask-<n>.png" for the regions of the paintings used.
constexpr char kPaintingMasks[] = ".mask-";
constexpr char kSourceMasks[] = ".source-mask-";

std::filesystem::path maskFile(const std::filesystem::path& file, const std::string& kind,
                               const std::string& which) {
    std::filesystem::path path = file;
    path.replace_filename(file.stem().string() + kind + which + ".png");
    return path;
}

void writeOrRemove(const std::optional<Mask>& mask, const std::filesystem::path& path) {
    if (mask) {
        saveMask(*mask, path);
    } else {
        std::error_code ignored;  // none there is as good as removed
        std::filesystem::remove(path, ignored);
    }
}

std::optional<Mask> readIfThere(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        return std::nullopt;
    }
    return loadMaskAllowingBlack(path);
}

// Writes one mask per painting and removes those of paintings past the last (an earlier save
// had more of them).
void savePerPainting(const std::filesystem::path& file, const std::string& kind,
                     const std::vector<std::optional<Mask>>& masks) {
    int index = 0;
    for (const std::optional<Mask>& mask : masks) {
        writeOrRemove(mask, maskFile(file, kind, std::to_string(++index)));
    }
    const std::string prefix = file.stem().string() + kind;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(
             file.parent_path().empty() ? "." : file.parent_path(), error)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(".png")) {
            const std::string number = name.substr(prefix.size(), name.size() - prefix.size() - 4);
            const bool digits = !number.empty() &&
                                std::all_of(number.begin(), number.end(),
                                            [](unsigned char c) { return std::isdigit(c) != 0; });
            if (digits && (number.size() > 9 || std::stoi(number) > index)) {
                std::filesystem::remove(entry.path(), error);
            }
        }
    }
}

std::vector<std::optional<Mask>> loadPerPainting(const std::filesystem::path& file,
                                                 const std::string& kind, int paintings) {
    std::vector<std::optional<Mask>> masks;
    for (int i = 1; i <= paintings; ++i) {
        masks.push_back(readIfThere(maskFile(file, kind, std::to_string(i))));
    }
    // None there: as none for every painting, and equal to a set that never had any.
    const bool none = std::none_of(masks.begin(), masks.end(), [](const std::optional<Mask>& mask) {
        return mask.has_value();
    });
    return none ? std::vector<std::optional<Mask>>{} : masks;
}

}  // namespace

void saveMasksBeside(const std::filesystem::path& file, const MaskSet& masks) {
    savePerPainting(file, kPaintingMasks, masks.paintings);
    savePerPainting(file, kSourceMasks, masks.sources);
    writeOrRemove(masks.keep, maskFile(file, kPaintingMasks, "keep"));
}

MaskSet loadMasksBeside(const std::filesystem::path& file, int paintings) {
    MaskSet masks;
    masks.paintings = loadPerPainting(file, kPaintingMasks, paintings);
    masks.sources = loadPerPainting(file, kSourceMasks, paintings);
    masks.keep = readIfThere(maskFile(file, kPaintingMasks, "keep"));
    return masks;
}

}  // namespace impasto::ui

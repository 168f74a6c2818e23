#include "ui/session/MaskFilesBeside.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <system_error>

#include "core/image/MaskFile.h"

namespace impasto::ui {

namespace {

std::filesystem::path maskFile(const std::filesystem::path& file, const std::string& which) {
    std::filesystem::path path = file;
    path.replace_filename(file.stem().string() + ".mask-" + which + ".png");
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

}  // namespace

void saveMasksBeside(const std::filesystem::path& file, const MaskSet& masks) {
    int index = 0;
    for (const std::optional<Mask>& mask : masks.paintings) {
        writeOrRemove(mask, maskFile(file, std::to_string(++index)));
    }
    // Those of paintings an earlier save had and this one has not.
    const std::string prefix = file.stem().string() + ".mask-";
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
    writeOrRemove(masks.keep, maskFile(file, "keep"));
}

MaskSet loadMasksBeside(const std::filesystem::path& file, int paintings) {
    MaskSet masks;
    for (int i = 1; i <= paintings; ++i) {
        masks.paintings.push_back(readIfThere(maskFile(file, std::to_string(i))));
    }
    masks.keep = readIfThere(maskFile(file, "keep"));
    return masks;
}

}  // namespace impasto::ui

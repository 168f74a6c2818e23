#include "core/image/RecipeFile.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Error.h"
#include "core/common/RegularFile.h"
#include "core/image/FileBytes.h"
#include "core/image/JpegSegments.h"
#include "core/image/PngTextReader.h"
#include "core/image/TiffTags.h"

namespace impasto {

namespace {

constexpr uint8_t kJpegCommentMarker = 0xFE;
constexpr uint16_t kTiffImageDescription = 270;

enum class RecipeHolder { Json, Png, Jpeg, Tiff };

RecipeHolder holderOf(const std::filesystem::path& file) {
    constexpr std::array<uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<uint8_t> start;
    try {
        // Never blocks: a named pipe is refused, and loadRecipeJson then says what it is.
        start = RegularFile(file).readStart(kPngSignature.size());
    } catch (const Error&) {
        return RecipeHolder::Json;
    }
    if (std::equal(start.begin(), start.end(), kPngSignature.begin(), kPngSignature.end())) {
        return RecipeHolder::Png;
    }
    if (hasJpegSignature(start)) {
        return RecipeHolder::Jpeg;
    }
    return hasTiffSignature(start) ? RecipeHolder::Tiff : RecipeHolder::Json;
}

// The recipe in a JPEG's comment segments: the first that holds a JSON object, joined with the
// comments right after it, as a long recipe spans several. Other programs' comments are skipped.
std::optional<std::string> jpegRecipeComment(const std::vector<uint8_t>& bytes) {
    std::optional<std::string> recipe;
    for (const JpegSegment& segment : readJpegHeader(bytes).segments) {
        const std::string text(segment.data.begin(), segment.data.end());
        if (segment.marker != kJpegCommentMarker) {
            if (recipe)
                break;
        } else if (recipe) {
            *recipe += text;
        } else if (text.starts_with('{')) {
            recipe = text;
        }
    }
    return recipe;
}

std::optional<std::string> storedSettings(const std::filesystem::path& file, RecipeHolder holder) {
    if (holder == RecipeHolder::Png) {
        const auto text = readPngText(file);
        const auto settings = text.find("impasto:settings");
        return settings == text.end() ? std::nullopt : std::optional(settings->second);
    }
    const std::vector<uint8_t> bytes = readFileBytes(file);
    return holder == RecipeHolder::Jpeg ? jpegRecipeComment(bytes)
                                        : readTiffText(bytes, kTiffImageDescription);
}

}  // namespace

Recipe loadRecipe(const std::filesystem::path& file) {
    const RecipeHolder holder = holderOf(file);
    if (holder == RecipeHolder::Json) {
        return loadRecipeJson(file);
    }
    const std::optional<std::string> settings = storedSettings(file, holder);
    if (!settings) {
        throw Error("The image " + file.string() +
                    " holds no Impasto settings (only images Impasto exported do)");
    }
    return recipeFromJson(*settings, "The settings stored in " + file.string());
}

}  // namespace impasto

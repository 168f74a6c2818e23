#include "core/image/RecipeFile.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "core/common/Error.h"
#include "core/common/RegularFile.h"
#include "core/image/PngTextReader.h"

namespace impasto {

namespace {

bool startsLikePng(const std::filesystem::path& file) {
    constexpr std::array<uint8_t, 8> kSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    try {
        // Never blocks: a named pipe is refused, and loadRecipeJson then says what it is.
        const std::vector<uint8_t> start = RegularFile(file).readStart(kSignature.size());
        return std::equal(start.begin(), start.end(), kSignature.begin(), kSignature.end());
    } catch (const Error&) {
        return false;
    }
}

}  // namespace

Recipe loadRecipe(const std::filesystem::path& file) {
    if (!startsLikePng(file)) {
        return loadRecipeJson(file);
    }
    const auto text = readPngText(file);
    const auto settings = text.find("impasto:settings");
    if (settings == text.end()) {
        throw Error("The image " + file.string() +
                    " holds no Impasto settings (only images Impasto exported do)");
    }
    return recipeFromJson(settings->second, "The settings stored in " + file.string());
}

}  // namespace impasto

#include "core/fast/FastStyleInfo.h"

#include "core/fast/FastStyleFile.h"

namespace impasto {

FastStyleInfo readFastStyleInfo(const std::filesystem::path& file) {
    const FastStyle style = readFastStyle(file);
    return {style.paintingName, style.thumbnail, style.steps, style.network->width()};
}

}  // namespace impasto

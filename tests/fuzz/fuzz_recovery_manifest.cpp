// libFuzzer target: the autosave manifest read at every start of the desktop app. Whatever it
// accepts names one of the two image slots and holds values a session can use as they are.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/Error.h"
#include "core/recovery/RecoveryStore.h"
#include "tests/fuzz/FuzzCheck.h"

using impasto::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::optional<impasto::RecoveryManifest> manifest =
        impasto::parseRecoveryManifest({reinterpret_cast<const char*>(data), size});
    if (!manifest) {
        return 0;
    }
    require(manifest->imageFile == "image-a.png" || manifest->imageFile == "image-b.png",
            "the image is one of the store's slots");
    require(manifest->run.iteration >= 0, "the iteration is not negative");
    require(manifest->run.savedAt.time_since_epoch().count() >= 0,
            "the time lies after 1970 and within the clock's range");
    try {
        impasto::validate(manifest->run.settings);
    } catch (const impasto::Error&) {
        require(false, "accepted settings are valid");
    }
    return 0;
}

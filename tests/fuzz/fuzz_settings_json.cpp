// libFuzzer target: preset parsing. Whatever it accepts must be valid and survive a round trip
// through toJson unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/Error.h"
#include "core/settings/SettingsJson.h"
#include "tests/fuzz/FuzzCheck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    impasto::StyleSettings settings;
    try {
        settings = impasto::settingsFromJson({reinterpret_cast<const char*>(data), size});
    } catch (const impasto::Error&) {
        return 0;
    }
    try {
        impasto::validate(settings);
        impasto::fuzz::require(impasto::settingsFromJson(impasto::toJson(settings)) == settings,
                               "accepted settings survive toJson and settingsFromJson");
    } catch (const impasto::Error&) {
        impasto::fuzz::require(false, "accepted settings are valid and read back");
    }
    return 0;
}

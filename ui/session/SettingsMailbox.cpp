#include "ui/session/SettingsMailbox.h"

#include <utility>

namespace impasto::ui {

int SettingsMailbox::submit(const StyleSettings& settings) {
    const std::lock_guard lock(mutex_);
    settingsPending_ = true;
    latest_ = settings;
    return ++revision_;
}

int SettingsMailbox::submitMasks(MaskSet masks) {
    const std::lock_guard lock(mutex_);
    pendingMasks_ = std::move(masks);
    return ++revision_;
}

std::optional<SettingsMailbox::Delivery> SettingsMailbox::take() {
    std::optional<Delivery> delivery;
    {
        const std::lock_guard lock(mutex_);
        if (!settingsPending_ && !pendingMasks_) {
            return std::nullopt;
        }
        delivery = Delivery{latest_, std::move(pendingMasks_), revision_};
        settingsPending_ = false;
        pendingMasks_.reset();
    }
    reportDue_ = true;
    return delivery;
}

}  // namespace impasto::ui

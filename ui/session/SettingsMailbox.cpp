#include "ui/session/SettingsMailbox.h"

#include <utility>

namespace impasto::ui {

int SettingsMailbox::submit(const StyleSettings& settings) {
    const std::lock_guard lock(mutex_);
    pending_ = settings;
    return ++revision_;
}

std::optional<SettingsMailbox::Delivery> SettingsMailbox::take() {
    std::optional<Delivery> delivery;
    {
        const std::lock_guard lock(mutex_);
        if (!pending_) {
            return std::nullopt;
        }
        delivery = Delivery{std::move(*pending_), revision_};
        pending_.reset();
    }
    reportDue_ = true;
    return delivery;
}

}  // namespace impasto::ui

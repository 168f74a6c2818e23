#pragma once

#include <mutex>
#include <optional>

#include "core/settings/StyleSettings.h"

namespace impasto::ui {

// Carries settings from the UI thread to the worker's, newest first: while the worker is busy
// with a step, each submission replaces the one before, so a slider drag costs one change, not
// one per pixel moved. Numbers every submission (its revision) so that frames and reports can
// say which settings made them, and remembers whether the taken settings still have to be
// reported as applied.
class SettingsMailbox {
public:
    struct Delivery {
        StyleSettings settings;
        int revision = 0;
    };

    // Thread-safe. Replaces the settings not taken yet; returns the new revision (1, 2, ...).
    int submit(const StyleSettings& settings);
    // Thread-safe. The newest settings submitted since the last take, if any; older ones are
    // dropped unseen. Taking them makes a report due.
    std::optional<Delivery> take();

    // On the taking thread: whether taken settings still wait for their settingsApplied report
    // (sent after the first step with them, or at once when no run is going).
    bool reportDue() const { return reportDue_; }
    // The report went out, or none is needed (the settings were refused, or a run starts with
    // them and its first frames show them).
    void markReported() { reportDue_ = false; }

private:
    std::mutex mutex_;
    std::optional<StyleSettings> pending_;
    int revision_ = 0;
    bool reportDue_ = false;
};

}  // namespace impasto::ui

#pragma once

#include <mutex>
#include <optional>

#include "core/settings/StyleSettings.h"
#include "ui/session/MaskSet.h"

namespace impasto::ui {

// Carries settings from the UI thread to the worker's, newest first: while the worker is busy
// with a step, each submission replaces the one before, so a slider drag costs one change, not
// one per pixel moved. Numbers every submission (its revision) so that frames and reports can
// say which settings made them, and remembers whether the taken settings still have to be
// reported as applied. Masks travel the same way, apart, since a brush stroke changes nothing else.
class SettingsMailbox {
public:
    struct Delivery {
        StyleSettings settings;        // the newest submitted, changed or not
        std::optional<MaskSet> masks;  // only when masks were submitted since the last take
        int revision = 0;
    };

    // Thread-safe. Replaces the settings not taken yet; returns the new revision (1, 2, ...).
    int submit(const StyleSettings& settings);
    // Thread-safe. Replaces the masks not taken yet; returns the new revision.
    int submitMasks(MaskSet masks);
    // Thread-safe. What was submitted since the last take, if anything; older submissions are
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
    bool settingsPending_ = false;
    StyleSettings latest_;  // delivered again with masks that come alone
    std::optional<MaskSet> pendingMasks_;
    int revision_ = 0;
    bool reportDue_ = false;
};

}  // namespace impasto::ui

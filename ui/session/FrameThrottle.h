#pragma once

#include <atomic>
#include <chrono>

namespace impasto::ui {

// Decides when the worker may send a preview frame, so that a fast run never floods the UI
// thread: at most one frame waits for the UI at a time, and a running session sends at most one
// per interval. Times are passed in, so the rules can be tested without waiting.
class FrameThrottle {
public:
    using Clock = std::chrono::steady_clock;

    enum class Timing {
        Throttled,  // when the interval has passed and the UI took the last frame
        Prompt,     // as soon as the UI took the last frame: the first with new settings
        Forced,     // now: the last of a run, or after an export
    };

    explicit FrameThrottle(Clock::duration interval) : interval_(interval) {}

    bool allows(Timing timing, Clock::time_point now) const;
    // A frame left at `now`: the next waits until consumed() (and the interval, if throttled).
    void sent(Clock::time_point now);
    // Thread-safe. The UI took the last frame.
    void consumed() { framePending_ = false; }

private:
    const Clock::duration interval_;
    std::atomic<bool> framePending_{false};
    Clock::time_point lastSent_;
};

}  // namespace impasto::ui

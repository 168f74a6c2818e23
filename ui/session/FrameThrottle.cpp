#include "ui/session/FrameThrottle.h"

namespace impasto::ui {

bool FrameThrottle::allows(Timing timing, Clock::time_point now) const {
    switch (timing) {
        case Timing::Forced:
            return true;
        case Timing::Prompt:
            return !framePending_;
        case Timing::Throttled:
            return !framePending_ && now - lastSent_ >= interval_;
    }
    return false;
}

void FrameThrottle::sent(Clock::time_point now) {
    framePending_ = true;
    lastSent_ = now;
}

}  // namespace impasto::ui

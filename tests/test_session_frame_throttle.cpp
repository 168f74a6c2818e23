// When the worker may send a frame: one waits for the UI at most, throttled frames keep the
// interval, prompt ones only wait for the UI, forced ones never wait. Times are given, not
// waited for.
#include <QTest>

#include <chrono>

#include "ui/session/FrameThrottle.h"

using impasto::ui::FrameThrottle;
using Timing = impasto::ui::FrameThrottle::Timing;
using namespace std::chrono_literals;

class TestSessionFrameThrottle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theFirstFrameMayGoAtOnce() {
        const FrameThrottle throttle(100ms);
        const auto now = FrameThrottle::Clock::now();
        QVERIFY(throttle.allows(Timing::Throttled, now));
        QVERIFY(throttle.allows(Timing::Prompt, now));
        QVERIFY(throttle.allows(Timing::Forced, now));
    }

    void aFrameTheUiHasNotTakenHoldsBackAllButForcedOnes() {
        FrameThrottle throttle(100ms);
        const auto sent = FrameThrottle::Clock::now();
        throttle.sent(sent);
        const auto later = sent + 1s;  // the interval is long past
        QVERIFY(!throttle.allows(Timing::Throttled, later));
        QVERIFY(!throttle.allows(Timing::Prompt, later));
        QVERIFY(throttle.allows(Timing::Forced, later));
    }

    void throttledFramesKeepTheIntervalOnceConsumed() {
        FrameThrottle throttle(100ms);
        const auto sent = FrameThrottle::Clock::now();
        throttle.sent(sent);
        throttle.consumed();
        QVERIFY(!throttle.allows(Timing::Throttled, sent + 99ms));
        QVERIFY(throttle.allows(Timing::Throttled, sent + 100ms));
        // A prompt frame (the first with new settings) does not wait for the interval.
        QVERIFY(throttle.allows(Timing::Prompt, sent + 1ms));
    }

    void aForcedFrameRestartsTheInterval() {
        FrameThrottle throttle(100ms);
        const auto first = FrameThrottle::Clock::now();
        throttle.sent(first);
        throttle.consumed();
        throttle.sent(first + 90ms);
        throttle.consumed();
        QVERIFY(!throttle.allows(Timing::Throttled, first + 150ms));
        QVERIFY(throttle.allows(Timing::Throttled, first + 190ms));
    }
};

QTEST_APPLESS_MAIN(TestSessionFrameThrottle)
#include "test_session_frame_throttle.moc"

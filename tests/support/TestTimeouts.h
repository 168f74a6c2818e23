#pragma once

namespace impasto::test {

// `milliseconds` times IMPASTO_TEST_TIME_SCALE (default 1): waits for the worker thread stretch
// under sanitizers, which run the engine 5-20x slower (set by cmake/Sanitizers.cmake).
int scaledTimeoutMs(int milliseconds);

}  // namespace impasto::test

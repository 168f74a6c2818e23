#pragma once

#include <cstdio>
#include <cstdlib>

namespace impasto::fuzz {

// Stops the run when an input breaks a promise of the code under test: libFuzzer keeps the
// input as a crash, the replay test fails.
inline void require(bool condition, const char* promise) {
    if (!condition) {
        std::fprintf(stderr, "broken promise: %s\n", promise);
        std::abort();
    }
}

}  // namespace impasto::fuzz

#pragma once

#include <string>

namespace impasto {

// Call from a catch (...) block: rethrows the exception in flight as an impasto::Error whose
// message a user can act on. Out-of-memory errors from LibTorch or the allocator say
// so and suggest a smaller size; other LibTorch errors keep their one-line reason
// without a backtrace. An impasto::Error (Cancelled included) passes through unchanged.
[[noreturn]] void rethrowForUser(const std::string& context);

}  // namespace impasto

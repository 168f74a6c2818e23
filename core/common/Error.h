#pragma once

#include <stdexcept>
#include <string>

namespace impasto {

// The one exception type the engine throws. Its message is written for the user: it names the
// file or setting at fault and what is wrong with it, so callers can show it as it is.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace impasto

#pragma once

#include "core/common/Error.h"

namespace impasto {

// Thrown by StyleSession::prepare() and step() after cancel(); the session stays usable.
class Cancelled : public Error {
public:
    Cancelled() : Error("Cancelled") {}
};

}  // namespace impasto

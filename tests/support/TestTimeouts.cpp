#include "support/TestTimeouts.h"

#include <QtGlobal>

namespace impasto::test {

int scaledTimeoutMs(int milliseconds) {
    bool valid = false;
    const int scale = qEnvironmentVariableIntValue("IMPASTO_TEST_TIME_SCALE", &valid);
    return valid && scale > 1 ? milliseconds * scale : milliseconds;
}

}  // namespace impasto::test

#include "core/style/EngineErrors.h"

#include <c10/util/Exception.h>

#include <new>

#include "core/common/Error.h"

namespace impasto {

namespace {

bool mentionsOutOfMemory(const std::string& message) {
    // LibTorch 1.13 says "can't allocate memory", later versions "not enough memory".
    return message.find("out of memory") != std::string::npos ||
           message.find("not enough memory") != std::string::npos ||
           message.find("can't allocate memory") != std::string::npos ||
           message.find("Insufficient memory") != std::string::npos;
}

[[noreturn]] void throwOutOfMemory(const std::string& context) {
    throw Error("Out of memory " + context + ": try a smaller output size or style scale");
}

}  // namespace

void rethrowForUser(const std::string& context) {
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (const c10::OutOfMemoryError&) {
        // CUDA's allocator, whatever its message says.
        throwOutOfMemory(context);
    } catch (const c10::Error& error) {
        const std::string message = error.what_without_backtrace();
        if (mentionsOutOfMemory(message))
            throwOutOfMemory(context);
        throw Error("Engine error " + context + ": " + message.substr(0, message.find('\n')));
    } catch (const std::bad_alloc&) {
        throwOutOfMemory(context);
    } catch (const std::exception& error) {
        throw Error("Internal error " + context + ": " + error.what());
    } catch (...) {
        throw Error("Internal error " + context);
    }
}

}  // namespace impasto

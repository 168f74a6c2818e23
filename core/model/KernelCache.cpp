#include "core/model/KernelCache.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

namespace impasto {

namespace {

// Debian's LibTorch links the shared libdnnl, whose C API is found at run time; official
// LibTorch builds link oneDNN in without exporting it.
using SetCapacity = int (*)(int);
using GetCapacity = int (*)(int*);

SetCapacity setCapacityFunction() {
    return reinterpret_cast<SetCapacity>(
        ::dlsym(RTLD_DEFAULT, "dnnl_set_primitive_cache_capacity"));
}

GetCapacity getCapacityFunction() {
    return reinterpret_cast<GetCapacity>(
        ::dlsym(RTLD_DEFAULT, "dnnl_get_primitive_cache_capacity"));
}

bool userChoseCapacity() {
    return std::getenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY") != nullptr ||
           std::getenv("DNNL_PRIMITIVE_CACHE_CAPACITY") != nullptr;
}

}  // namespace

void boundKernelCache() {
    if (userChoseCapacity()) {
        return;
    }
    if (const SetCapacity setCapacity = setCapacityFunction()) {
        setCapacity(kKernelCacheCapacity);
    }
    // oneDNN linked into LibTorch reads the variable when its cache is first used (the function
    // found above may be another oneDNN's: the guided products' libdnnl beside such a LibTorch).
    ::setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", std::to_string(kKernelCacheCapacity).c_str(), 0);
}

int kernelCacheCapacity() {
    int capacity = -1;
    if (const GetCapacity getCapacity = getCapacityFunction()) {
        getCapacity(&capacity);
    }
    return capacity;
}

}  // namespace impasto

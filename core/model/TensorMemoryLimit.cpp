#include "core/model/TensorMemoryLimit.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <c10/util/Exception.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <torch/version.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace impasto {

namespace {

std::atomic<uint64_t> limitBytes{0};
std::atomic<uint64_t> inUseBytes{0};
std::atomic<uint64_t> peakBytes{0};

// Smaller allocations cannot exhaust the address space's reserve, and reading its size for
// each of them would slow every small tensor down.
constexpr size_t kAddressSpaceCheckBytes = size_t{1} << 20;

// The block's size is kept in front of it, in a header as large as LibTorch's alignment, so
// that the data pointer is its own context (LibTorch's raw allocation interface needs that).
constexpr size_t kHeaderBytes = c10::gAlignment;

// The process's address space in bytes (the first field of /proc/self/statm, in pages); 0 if
// unknown.
uint64_t addressSpaceInUse() {
    const int file = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (file < 0) {
        return 0;
    }
    char text[64] = {};
    const ssize_t length = ::read(file, text, sizeof text - 1);
    ::close(file);
    if (length <= 0) {
        return 0;
    }
    return std::strtoull(text, nullptr, 10) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

// The error LibTorch's own allocator gives when the system refuses, so that it takes the same
// path to the user.
[[noreturn]] void refuse(size_t bytes, const std::string& why) {
    C10_THROW_ERROR(OutOfMemoryError, "not enough memory: " + why + " (" + std::to_string(bytes) +
                                          " bytes asked for)");
}

void checkAddressSpace(size_t bytes) {
    rlimit limit{};
    if (bytes < kAddressSpaceCheckBytes || ::getrlimit(RLIMIT_AS, &limit) != 0 ||
        limit.rlim_cur == RLIM_INFINITY) {
        return;
    }
    const uint64_t used = addressSpaceInUse();
    if (used + bytes + kAddressSpaceReserve > limit.rlim_cur) {
        refuse(bytes, "the address-space limit (ulimit -v) would be reached");
    }
}

void count(size_t bytes) {
    const uint64_t total = inUseBytes.fetch_add(bytes) + bytes;
    const uint64_t limit = limitBytes.load();
    if (limit > 0 && total > limit) {
        inUseBytes.fetch_sub(bytes);
        refuse(bytes, "over the memory limit set for tensors");
    }
    uint64_t peak = peakBytes.load();
    while (total > peak && !peakBytes.compare_exchange_weak(peak, total)) {
    }
}

void release(void* data) {
    if (data == nullptr) {
        return;
    }
    char* block = static_cast<char*>(data) - kHeaderBytes;
    size_t bytes = 0;
    std::memcpy(&bytes, block, sizeof bytes);
    inUseBytes.fetch_sub(bytes);
    c10::free_cpu(block);
}

// LibTorch 2.3 made allocate() non-const and copy_data() required; Debian's 1.13 has neither.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define IMPASTO_ALLOCATE_CONST
#else
#define IMPASTO_ALLOCATE_CONST const
#endif

class GuardedCpuAllocator final : public c10::Allocator {
public:
    c10::DataPtr allocate(size_t bytes) IMPASTO_ALLOCATE_CONST override {
        const c10::Device cpu(c10::DeviceType::CPU);
        if (bytes == 0) {
            return {nullptr, nullptr, &release, cpu};
        }
        checkAddressSpace(bytes);
        count(bytes);
        void* block = nullptr;
        try {
            block = c10::alloc_cpu(bytes + kHeaderBytes);
        } catch (...) {
            inUseBytes.fetch_sub(bytes);
            throw;
        }
        std::memcpy(block, &bytes, sizeof bytes);
        void* data = static_cast<char*>(block) + kHeaderBytes;
        return {data, data, &release, cpu};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
    void copy_data(void* destination, const void* source, size_t bytes) const override {
        default_copy_data(destination, source, bytes);
    }
#endif
};

}  // namespace

void guardTensorMemory() {
    static std::once_flag installed;
    std::call_once(installed, [] {
        // Static: tensors allocated by it may outlive every session.
        static GuardedCpuAllocator allocator;
        c10::SetCPUAllocator(&allocator, /*priority=*/1);
    });
}

void limitTensorMemory(uint64_t bytes) {
    limitBytes = bytes;
}

uint64_t tensorMemoryLimit() {
    return limitBytes.load();
}

uint64_t tensorMemoryInUse() {
    return inUseBytes.load();
}

uint64_t tensorMemoryPeak() {
    return peakBytes.load();
}

void resetTensorMemoryPeak() {
    peakBytes = inUseBytes.load();
}

}  // namespace impasto

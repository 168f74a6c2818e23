#pragma once

#include <cstdint>

namespace impasto {

// LibTorch's CPU tensors all come from one allocator per process. Guarding it turns a stage too
// large for the memory into the out-of-memory error LibTorch gives when the system refuses
// (rethrowForUser names the size and suggests a smaller one), before anything else fails:
// - under an address-space limit (`ulimit -v`), an allocation that would leave less than
//   kAddressSpaceReserve of it is refused, since oneDNN's kernel generator and new threads need
//   that room and oneDNN dies of SIGSEGV instead of failing when its own allocation fails;
// - with a limit set (limitTensorMemory, the CLI's --memory-limit), tensors may not hold more
//   than that at once, which keeps a run inside a memory budget on a shared machine.
// Installed once per process by useAllCores() (ComputeDevice.h), before the first tensor.
inline constexpr uint64_t kAddressSpaceReserve = uint64_t{128} << 20;
void guardTensorMemory();

// Bytes that CPU tensors may hold at once; 0 (the default) sets no limit of its own.
void limitTensorMemory(uint64_t bytes);
uint64_t tensorMemoryLimit();
// Bytes CPU tensors hold now, and the most they held since the guard was installed or the
// last reset (tensors allocated before the guard are not counted).
uint64_t tensorMemoryInUse();
uint64_t tensorMemoryPeak();
void resetTensorMemoryPeak();

}  // namespace impasto

#pragma once

#include <string>

namespace impasto {

// How convolutions on a CUDA GPU use cuDNN. Impasto's default is cuDNN, autotuned: a run keeps
// its image size for hundreds of iterations, so timing cuDNN's algorithms per shape pays off.
struct CudnnUse {
    bool enabled = true;   // false: LibTorch's own CUDA convolutions
    bool autotune = true;  // cuDNN's benchmark mode
};

// jcjohnson/neural-style's -backend and -cudnn_autotune with his meaning: "nn" turns cuDNN off,
// "cudnn" turns it on, autotuned only with -cudnn_autotune. Without -backend ("") and with
// "clnn" (OpenCL, which Impasto has not) Impasto's default stays. Throws impasto::Error naming
// any other backend.
CudnnUse cudnnUseFromNeuralStyle(const std::string& backend, bool autotune);

// Sets LibTorch's process-wide cuDNN switches now and whenever a network moves to CUDA
// (FeatureNetwork::to). They are plain flags: setting them without CUDA changes nothing.
void chooseCudnnUse(const CudnnUse& use);
// Applies the last choice (the default without one) to LibTorch's switches.
void applyChosenCudnnUse();
// LibTorch's switches as they are now.
CudnnUse currentCudnnUse();

}  // namespace impasto

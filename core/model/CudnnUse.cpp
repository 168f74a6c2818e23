#include "core/model/CudnnUse.h"

#include <ATen/Context.h>

#include <atomic>

#include "core/common/Error.h"

namespace impasto {

namespace {

std::atomic<bool> chosenEnabled{CudnnUse{}.enabled};
std::atomic<bool> chosenAutotune{CudnnUse{}.autotune};

}  // namespace

CudnnUse cudnnUseFromNeuralStyle(const std::string& backend, bool autotune) {
    if (backend == "nn") {
        return {.enabled = false, .autotune = false};
    }
    if (backend == "cudnn") {
        // As in neural_style.lua: cuDNN autotunes only when asked to.
        return {.enabled = true, .autotune = autotune};
    }
    if (backend != "" && backend != "clnn") {
        throw Error("-backend expects nn, cudnn or clnn, not \"" + backend + "\"");
    }
    return {};
}

void chooseCudnnUse(const CudnnUse& use) {
    chosenEnabled = use.enabled;
    chosenAutotune = use.autotune;
    applyChosenCudnnUse();
}

void applyChosenCudnnUse() {
    at::globalContext().setUserEnabledCuDNN(chosenEnabled);
    at::globalContext().setBenchmarkCuDNN(chosenAutotune);
}

CudnnUse currentCudnnUse() {
    return {at::globalContext().userEnabledCuDNN(), at::globalContext().benchmarkCuDNN()};
}

}  // namespace impasto

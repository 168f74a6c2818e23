#include "bench/engine-check/EngineCheckOptions.h"

#include "core/common/Error.h"

namespace impasto::bench {

const char* const kEngineCheckUsage =
    "Usage: impasto-engine-check --inputs FOLDER --output FOLDER [--cpu]\n"
    "\n"
    "Runs the style-transfer engine alone (LibTorch, no Qt, no OpenCV) and writes\n"
    "FOLDER/report.json and FOLDER/results.safetensors. The inputs folder holds\n"
    "images.safetensors (from impasto-engine-images pack: content=..., style=...),\n"
    "squeezenet1_1-features.safetensors and vgg19-conv1_1-conv3_4.safetensors.\n"
    "--cpu runs on the CPU at small sizes (seconds); otherwise CUDA when available.\n";

std::optional<EngineCheckOptions> parseEngineCheckOptions(int argc, char** argv) {
    EngineCheckOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw Error(argument + " needs a value");
            }
            return argv[++i];
        };
        if (argument == "--help" || argument == "-h") {
            return std::nullopt;
        } else if (argument == "--inputs") {
            options.inputs = value();
        } else if (argument == "--output") {
            options.output = value();
        } else if (argument == "--cpu") {
            options.cpuOnly = true;
        } else {
            throw Error("Unknown argument \"" + argument + "\"");
        }
    }
    if (options.inputs.empty() || options.output.empty()) {
        throw Error("Both --inputs and --output are needed");
    }
    if (options.cpuOnly) {
        options.agreementSize = 64;
        options.timingSizes = {64, 128};
        options.timedIterations = 3;
        options.lbfgsSize = 64;
        options.lbfgsIterations = 20;
        options.memorySizes = {64, 128};
    }
    return options;
}

}  // namespace impasto::bench

// impasto-bench: how fast the engine forms a picture, against a plain single-scale L-BFGS
// baseline in the same run. See --help and the README's Speed section.
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "bench/BenchOptions.h"
#include "bench/Measurements.h"
#include "bench/ResultTable.h"
#include "bench/Variant.h"
#include "core/model/ComputeDevice.h"

using namespace impasto;
using namespace impasto::bench;

int main(int argc, char** argv) {
    try {
        const auto options = parseBenchOptions({argv + 1, argv + argc});
        if (!options) {
            return 0;
        }
        const BenchImages images = loadBenchImages(options->sharedDir);
        std::filesystem::create_directories(options->outputDir);
        useAllCores();
        std::printf(
            "impasto-bench (%s): device %s, %d CPU threads, medians of %d interleaved "
            "runs\n",
            options->quick ? "quick" : "full", resolveDevice(options->device).c_str(),
            computeThreads(), options->repeats);
        std::printf("Baseline: %s; fast: %s\n\n",
                    "L-BFGS at the full size with a line-search warm-up after every start, "
                    "contiguous float32 activations, LibTorch's Gram product (at::bmm)",
                    "channels-last, bfloat16 convolutions on CUDA, coarse-to-fine above 512 px, "
                    "plain L-BFGS steps from the start, the symmetric Gram product on every "
                    "core");
        const auto weights = options->sharedDir / "weights";
        const std::vector<BenchNetwork> networks{
            {"SqueezeNet 1.1", weights / "squeezenet1_1-features.safetensors"},
            {"VGG-19 to relu3_4", weights / "vgg19-conv1_1-conv3_4.safetensors"}};

        ResultTable table;
        Measurements measurements(*options, images, table);
        for (const BenchNetwork& network : networks) {
            for (const int size : options->iterationSizes) {
                if (options->runs("iterations"))
                    measurements.iterationTime(network, size);
            }
        }
        for (const BenchNetwork& network : networks) {
            if (options->runs("preview"))
                measurements.previewLatency(network);
        }
        if (options->runs("race")) {
            measurements.raceToFivePercent(networks[0]);
            if (options->raceVgg) {
                measurements.raceToFivePercent(networks[1]);
            }
            if (options->raceCoarseToFine) {
                measurements.coarseToFineRace(networks[0]);
            }
        }

        std::printf("\n");
        table.print(stdout);
        const auto file = options->outputDir / "results.md";
        if (std::FILE* out = std::fopen(file.c_str(), "w")) {
            table.print(out);
            std::fclose(out);
            std::printf("\nWrote %s\n", file.string().c_str());
        }
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-bench: %s\n", error.what());
        return 1;
    }
}

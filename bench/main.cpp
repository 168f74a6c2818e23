// impasto-bench: how fast the engine forms a picture, against a plain single-scale L-BFGS
// baseline in the same run, and with float32 against bfloat16 convolutions. See --help and the
// README's Speed section.
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "bench/BenchOptions.h"
#include "bench/LoadMeasurement.h"
#include "bench/Measurements.h"
#include "bench/ResultTable.h"
#include "bench/Variant.h"
#include "core/model/ComputeDevice.h"
#include "core/model/PrecisionChoice.h"
#include "core/settings/SettingNames.h"

using namespace impasto;
using namespace impasto::bench;

namespace {

// The quality section's iterations and the profile's size.
constexpr int kEqualIterations = 100;
constexpr int kProfileSize = 512;

}  // namespace

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
        std::printf("Baseline: %s; fast: %s\n",
                    "L-BFGS at the full size with a line-search warm-up after every start, "
                    "contiguous float32 activations, LibTorch's Gram product (at::bmm)",
                    "channels-last, automatic precision, coarse-to-fine above 512 px, plain "
                    "L-BFGS steps from the start, the symmetric Gram product on every core");
        const PrecisionChoice automatic =
            choosePrecision(Precision::Auto, resolveDevice(options->device));
        std::printf("Automatic precision here: %s (%s)\n\n", toString(automatic.precision).c_str(),
                    automatic.reason.c_str());
        const auto weights = options->sharedDir / "weights";
        const std::vector<BenchNetwork> networks{
            {"SqueezeNet 1.1", weights / "squeezenet1_1-features.safetensors"},
            {"VGG-19 to relu3_4", weights / "vgg19-conv1_1-conv3_4.safetensors"}};

        ResultTable table("single-scale baseline", "fast");
        Measurements measurements(*options, images, {baselineVariant(), fastVariant()}, table);
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

        ResultTable precisionTable("float32", "bfloat16");
        const bool precisionRows = options->runs("precision") || options->runs("quality");
        if (precisionRows || options->runs("profile")) {
            std::printf("\nfloat32 against bfloat16 convolutions, both on the fast paths\n");
        }
        Measurements precision(*options, images, {float32Variant(), bfloat16Variant()},
                               precisionTable);
        if (options->runs("precision")) {
            for (const BenchNetwork& network : networks) {
                for (const int size : options->iterationSizes) {
                    precision.iterationTime(network, size);
                }
            }
            precision.raceToFivePercent(networks[0]);
            if (options->raceVgg) {
                precision.raceToFivePercent(networks[1]);
            }
        }
        if (options->runs("quality")) {
            for (const BenchNetwork& network : networks) {
                for (const int size : options->equalIterationSizes) {
                    for (const OptimizerKind optimizer :
                         {OptimizerKind::Lbfgs, OptimizerKind::Adam}) {
                        precision.lossAtEqualIterations(network, size, kEqualIterations, optimizer);
                    }
                }
            }
        }
        if (options->runs("profile")) {
            for (const BenchNetwork& network : networks) {
                precision.profileIteration(network, kProfileSize);
            }
        }
        ResultTable maskTable("unmasked", "masked");
        if (options->runs("masks")) {
            std::printf("\nMasks (issue 13): an iteration with masks against one without\n");
            Measurements masks(*options, images, {fastVariant(), fastVariant()}, maskTable);
            masks.maskCost(networks[0], kProfileSize);
        }
        ResultTable loadTable("all cores", "automatic threads");
        if (options->runs("load")) {
            std::printf(
                "\nAll cores against the automatic thread count, quiet and beside a busy "
                "process\n");
            measureLoad(*options, images, networks[0], loadTable);
        }

        const auto file = options->outputDir / "results.md";
        std::FILE* out = std::fopen(file.c_str(), "w");
        for (std::FILE* destination : {stdout, out}) {
            if (destination == nullptr) {
                continue;
            }
            if (options->runs("iterations") || options->runs("preview") || options->runs("race")) {
                std::fprintf(destination, "\n");
                table.print(destination);
            }
            if (precisionRows) {
                std::fprintf(destination, "\n");
                precisionTable.print(destination);
            }
            if (options->runs("load")) {
                std::fprintf(destination, "\n");
                loadTable.print(destination);
            }
            if (options->runs("masks")) {
                std::fprintf(destination, "\n");
                maskTable.print(destination);
            }
        }
        if (out != nullptr) {
            std::fclose(out);
            std::printf("\nWrote %s\n", file.string().c_str());
        }
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-bench: %s\n", error.what());
        return 1;
    }
}

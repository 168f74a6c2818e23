#include "bench/BenchOptions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/Error.h"
#include "core/common/Text.h"

namespace impasto::bench {

namespace {

constexpr const char* kUsage =
    "Usage: impasto-bench [--quick] [--shared DIR] [--output DIR] [--device auto|cpu|cuda]\n"
    "\n"
    "Measures the engine against a plain single-scale L-BFGS baseline (contiguous memory,\n"
    "float32, no coarse-to-fine, LibTorch's Gram product), interleaving baseline and fast\n"
    "runs and printing medians and ratios:\n"
    "  ms per iteration (forward + backward) for SqueezeNet 1.1 and VGG-19 at 256/512/1024 px,\n"
    "  seconds to the first preview frame, from a weight change to the next frame,\n"
    "  seconds until the style loss (evaluated at 512 px) reaches 5% of its start on\n"
    "  tubingen/starry_night at 512 px and the losses then, the time to 10% at 1024 px of\n"
    "  the fast paths without and with coarse-to-fine, peak host and device memory in an\n"
    "  iteration.\n"
    "And float32 against bfloat16 convolutions (both on the fast paths): ms per iteration and\n"
    "  memory at 256/512/1024 px and the time to 5% style loss at 512 px (precision), the\n"
    "  total loss after 100 L-BFGS and 100 Adam iterations at 256 and 512 px (quality), and\n"
    "  where the time of a bfloat16 iteration at 512 px goes, from LibTorch's profiler\n"
    "  (profile).\n"
    "And a 384 px, 40-iteration SqueezeNet run on a quiet machine and beside a busy process, on\n"
    "  all cores against the automatic thread count (load).\n"
    "And ms per SqueezeNet iteration at 512 px with style and keep masks against without,\n"
    "  and the profiles of both (masks).\n"
    "  --quick    fewer repeats, no VGG race, no 1024 px race, losses at 256 px only\n"
    "  --shared   folder with images/ and weights/ (default: ../shared beside the source)\n"
    "  --output   folder for the result images (default: bench-results)\n"
    "  --repeats N  interleaved pairs per measurement (default 5, quick 3; load at least 9)\n"
    "  --only LIST  some of iterations,preview,race,precision,quality,profile,load,masks\n"
    "  --trace    print every iteration of the race\n";

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        items.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

}  // namespace

bool BenchOptions::runs(const std::string& section) const {
    return std::find(sections.begin(), sections.end(), section) != sections.end();
}

std::optional<BenchOptions> parseBenchOptions(const std::vector<std::string>& arguments) {
    BenchOptions options;
    options.sharedDir = IMPASTO_BENCH_SHARED_DIR;
    std::optional<int> repeats;
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= arguments.size()) {
                throw Error(argument + " needs a value");
            }
            return arguments[++i];
        };
        if (argument == "--help" || argument == "-h") {
            std::fputs(kUsage, stdout);
            return std::nullopt;
        } else if (argument == "--trace") {
            options.trace = true;
        } else if (argument == "--quick") {
            options.quick = true;
        } else if (argument == "--shared") {
            options.sharedDir = value();
        } else if (argument == "--output") {
            options.outputDir = value();
        } else if (argument == "--device") {
            options.device = parseDevicePreference(value());
        } else if (argument == "--repeats") {
            const std::optional<double> number = parseNumber(value());
            if (!number || *number < 1 || *number != std::floor(*number)) {
                throw Error("--repeats needs a whole number of at least 1");
            }
            repeats = static_cast<int>(*number);
        } else if (argument == "--only") {
            options.sections = splitList(value());
            for (const std::string& section : options.sections) {
                if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) {
                    throw Error("Unknown section \"" + section +
                                "\" for --only (iterations, preview, race, precision, quality, "
                                "profile, load)");
                }
            }
        } else {
            throw Error("Unknown argument \"" + argument + "\" (see --help)");
        }
    }
    if (options.quick) {
        options.repeats = 3;
        options.raceRuns = 1;
        options.raceVgg = false;
        options.raceCoarseToFine = false;
        options.equalIterationSizes = {256};
    }
    options.repeats = repeats.value_or(options.repeats);
    return options;
}

}  // namespace impasto::bench

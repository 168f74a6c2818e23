#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/model/ComputeDevice.h"

namespace impasto::bench {

// The measurements --only chooses from (see BenchOptions::sections).
inline constexpr std::array<const char*, 8> kSections{"iterations", "preview", "race", "precision",
                                                      "quality",    "profile", "load", "masks"};

// What to measure and how often: --quick for a check in a few minutes, the default (full) for
// the numbers that get reported.
struct BenchOptions {
    bool quick = false;
    std::filesystem::path sharedDir;  // images/ and weights/ as in ../shared
    std::filesystem::path outputDir = "bench-results";
    DevicePreference device = DevicePreference::Auto;
    // Interleaved baseline/fast pairs per measurement; medians are reported.
    int repeats = 5;
    std::vector<int> iterationSizes{256, 512, 1024};
    // Runs of the time-to-5% race per network (VGG's only in full mode).
    int raceRuns = 3;
    bool raceVgg = true;
    // The 1024 px race of the fast paths with and without coarse-to-fine (full mode only).
    bool raceCoarseToFine = true;
    // Which measurements run: "iterations", "preview", "race" (baseline against the fast
    // paths); "precision" (float32 against bfloat16: iterations and race), "quality" (their
    // losses at equal iterations), "profile" (of the bfloat16 iteration); "load" (all cores
    // against the automatic thread count, quiet and beside a busy process); "masks" (an
    // iteration with style and keep masks against one without). All by default.
    std::vector<std::string> sections{kSections.begin(), kSections.end()};
    // Sizes of the precision section's loss comparison at equal iterations.
    std::vector<int> equalIterationSizes{256, 512};

    // Prints every iteration of the race (scale, seconds, style loss at 512 px).
    bool trace = false;

    bool runs(const std::string& section) const;
};

// Parses the arguments after the program name. Returns nullopt after printing --help; throws
// impasto::Error with a one-line message for anything unknown.
std::optional<BenchOptions> parseBenchOptions(const std::vector<std::string>& arguments);

}  // namespace impasto::bench

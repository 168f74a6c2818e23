#include "bench/LoadMeasurement.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/BusyProcess.h"

namespace impasto::bench {

namespace {

constexpr int kLoadSize = 384;
constexpr int kLoadIterations = 40;
// Rounds at the least outside --quick: both variants run the same two threads when quiet, so
// the quiet ratio there is the noise of a shared machine, which five rounds left too large.
constexpr int kLoadRounds = 9;

struct LoadRun {
    double seconds = 0.0;
    int lastThreads = 0;
};

LoadRun timedRun(const Variant& variant, const BenchOptions& options, const BenchImages& images,
                 const BenchNetwork& network) {
    const auto start = std::chrono::steady_clock::now();
    auto session = makeSession(variant, loadModelFor(variant, network.weights), images, {},
                               kLoadSize, options.device);
    LoadRun run;
    while (session->iteration() < kLoadIterations) {
        run.lastThreads = session->step().threads;
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

// Each round's a / b. A round's four runs are seconds apart, so a shared machine's speed, which
// drifts over the minutes of the whole measurement, cancels in these ratios.
std::vector<double> roundRatios(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> ratios;
    for (size_t round = 0; round < std::min(a.size(), b.size()); ++round) {
        ratios.push_back(a[round] / b[round]);
    }
    return ratios;
}

}  // namespace

void measureLoad(const BenchOptions& options, const BenchImages& images,
                 const BenchNetwork& network, ResultTable& table) {
    if (std::getenv("OMP_NUM_THREADS") != nullptr) {
        std::printf("  note: OMP_NUM_THREADS is set, so the automatic count is that count\n");
    }
    Variant allCores = fastVariant();
    allCores.name = "all cores";
    allCores.threads = availableCores();
    Variant automatic = fastVariant();
    automatic.name = "automatic";
    automatic.threads = 0;
    const std::array<Variant, 2> variants{allCores, automatic};
    // [variant][busy]
    std::array<std::array<std::vector<double>, 2>, 2> seconds;
    std::array<std::array<std::vector<int>, 2>, 2> threads;
    const int rounds = options.quick ? options.repeats : std::max(options.repeats, kLoadRounds);
    for (int round = 0; round < rounds; ++round) {
        for (int turn = 0; turn < 4; ++turn) {
            // Each round runs the four kinds in another order.
            const size_t k = static_cast<size_t>((turn + round) % 2);
            const size_t busy = static_cast<size_t>((turn / 2 + round) % 2);
            std::optional<BusyProcess> neighbour;
            if (busy == 1) {
                neighbour.emplace();
            }
            const LoadRun run = timedRun(variants[k], options, images, network);
            neighbour.reset();
            seconds[k][busy].push_back(run.seconds);
            threads[k][busy].push_back(run.lastThreads);
            std::printf("  %s, %s: %.2f s, ending on %d threads\n", variants[k].name.c_str(),
                        busy == 1 ? "busy process beside it" : "quiet", run.seconds,
                        run.lastThreads);
            std::fflush(stdout);
        }
    }
    const std::string where = network.title + " at " + std::to_string(kLoadSize) + " px, " +
                              std::to_string(kLoadIterations) + " L-BFGS iterations";
    table.add(where + ", quiet: run", "s", seconds[0][0], seconds[1][0]);
    table.add(where + ", one busy process beside it: run", "s", seconds[0][1], seconds[1][1]);
    std::printf("  all cores: busy / quiet = %.2f\n",
                median(seconds[0][1]) / median(seconds[0][0]));
    std::printf(
        "  automatic, ratio of medians: busy / quiet = %.2f, quiet / all cores' quiet = "
        "%.2f\n",
        median(seconds[1][1]) / median(seconds[1][0]),
        median(seconds[1][0]) / median(seconds[0][0]));
    std::printf(
        "  automatic, median of each round's ratios: busy / quiet = %.2f (target at most 1.6), "
        "quiet / all cores' quiet = %.2f (target at most 1.1)\n",
        median(roundRatios(seconds[1][1], seconds[1][0])),
        median(roundRatios(seconds[1][0], seconds[0][0])));
}

}  // namespace impasto::bench

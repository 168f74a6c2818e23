#include "bench/Measurements.h"

#include <ATen/Parallel.h>

#include <malloc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "bench/IterationProfile.h"
#include "core/image/PngExport.h"

namespace impasto::bench {

namespace {

constexpr int kRaceSize = 512;
constexpr int kLargeRaceSize = 1024;
constexpr double kRaceTarget = 0.05;  // of the starting style loss
// At 1024 px the default weights balance near 6% of the photo's style loss: 5% is never reached.
constexpr double kLargeRaceTarget = 0.10;
constexpr int kRaceMaximumIterations = 1000;
constexpr int kStepsBeforeWeightChange = 8;
constexpr double kMegabyte = 1024.0 * 1024.0;

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename Work>
double timed(Work&& work) {
    const auto start = std::chrono::steady_clock::now();
    work();
    return secondsSince(start);
}

// Baseline first in even rounds, fast first in odd ones.
std::array<size_t, 2> order(int round) {
    return round % 2 == 0 ? std::array<size_t, 2>{0, 1} : std::array<size_t, 2>{1, 0};
}

std::string slug(const std::string& text) {
    std::string result;
    for (const char c : text) {
        result +=
            std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
    }
    return result;
}

}  // namespace

Measurements::Measurements(const BenchOptions& options, const BenchImages& images,
                           const std::array<Variant, 2>& variants, ResultTable& table)
    : options_(options), images_(images), variants_(variants), table_(table) {}

void Measurements::iterationTime(const BenchNetwork& network, int size) {
    std::array<Variant, 2> variants = variants_;
    StyleSettings settings;
    settings.optimizer = OptimizerKind::Adam;  // one evaluation per step, no line search
    std::array<std::unique_ptr<StyleSession>, 2> sessions;
    for (size_t k = 0; k < 2; ++k) {
        variants[k].coarseToFine = false;  // both at `size`
        sessions[k] = makeSession(variants[k], loadModelFor(variants[k], network.weights), images_,
                                  settings, size, options_.device);
        sessions[k]->step();  // targets and first-call allocations
    }
    std::array<std::vector<double>, 2> milliseconds, megabytes, deviceMegabytes;
    for (int round = 0; round < options_.repeats; ++round) {
        for (const size_t k : order(round)) {
            milliseconds[k].push_back(1000.0 * timed([&] { sessions[k]->step(); }));
            // Memory in a step of its own, untimed: returning the freed memory first makes the
            // high-water mark the step's, but the step then faults every page in afresh.
            ::malloc_trim(0);
            memory_.reset();
            sessions[k]->step();
            megabytes[k].push_back(memory_.hostBytes() / kMegabyte);
            deviceMegabytes[k].push_back(memory_.deviceBytes() / kMegabyte);
        }
    }
    const std::string where = network.title + " at " + std::to_string(size) + " px";
    table_.add(where + ": iteration (forward + backward)", "ms", milliseconds[0], milliseconds[1]);
    table_.add(where + ": peak host memory in an iteration (both sessions resident)", "MiB",
               megabytes[0], megabytes[1]);
    if (deviceMegabytes[0].front() > 0.0) {
        table_.add(where + ": peak device memory in an iteration", "MiB", deviceMegabytes[0],
                   deviceMegabytes[1]);
    }
}

namespace {

// White on the left half of a mask (or on the right), or on a centred square of a third of the
// side: masks as an artist paints them, at another size than the output.
Mask benchMask(bool left, bool square) {
    constexpr int kSide = 300;
    Mask mask(kSide, kSide);
    for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
            const bool inSquare =
                std::abs(x - kSide / 2) < kSide / 6 && std::abs(y - kSide / 2) < kSide / 6;
            mask.values[size_t(y) * kSide + x] = (square ? inSquare : (x < kSide / 2) == left);
        }
    }
    return mask;
}

}  // namespace

void Measurements::maskCost(const BenchNetwork& network, int size) {
    Variant variant = variants_[1];
    variant.coarseToFine = false;  // both at `size`
    StyleSettings settings;
    settings.optimizer = OptimizerKind::Adam;  // one evaluation per step, no line search
    const auto measure = [&](const std::string& what, int paintings) {
        std::array<std::unique_ptr<StyleSession>, 2> sessions;
        for (size_t k = 0; k < 2; ++k) {
            sessions[k] = makeSession(variant, loadModelFor(variant, network.weights), images_,
                                      settings, size, options_.device);
            sessions[k]->setStyles(std::vector<Image>(paintings, images_.style));
        }
        if (paintings == 1) {
            sessions[1]->setStyleMasks({benchMask(true, false)});
            sessions[1]->setKeepMask(benchMask(false, true));
        } else {
            sessions[1]->setStyleMasks({benchMask(true, false), benchMask(false, false)});
        }
        for (auto& session : sessions) {
            session->step();  // targets and first-call allocations
        }
        std::array<std::vector<double>, 2> milliseconds;
        for (int round = 0; round < options_.repeats; ++round) {
            for (const size_t k : order(round)) {
                milliseconds[k].push_back(1000.0 * timed([&] { sessions[k]->step(); }));
            }
        }
        table_.add(network.title + " at " + std::to_string(size) + " px: iteration, " + what, "ms",
                   milliseconds[0], milliseconds[1]);
        // Where the masks' extra time goes, operator by operator.
        for (size_t k = 0; k < 2; ++k) {
            printAndSaveProfile(*sessions[k], network.title + " at " + std::to_string(size) +
                                                  " px, " + what + ", " +
                                                  (k == 0 ? "unmasked" : "masked"));
        }
    };
    measure("one painting, style mask + keep mask", 1);
    measure("two paintings, complementary masks (unmasked: blended)", 2);
}

void Measurements::previewLatency(const BenchNetwork& network) {
    const std::array<Variant, 2>& variants = variants_;
    std::array<std::vector<double>, 2> firstFrame, afterChange;
    for (int round = 0; round < options_.repeats; ++round) {
        for (const size_t k : order(round)) {
            LoadedModel model = loadModelFor(variants[k], network.weights);
            std::unique_ptr<StyleSession> session;
            firstFrame[k].push_back(timed([&] {
                session = makeSession(variants[k], std::move(model), images_, {}, kRaceSize,
                                      options_.device);
                session->step();
                session->currentImage();
            }));
            for (int i = 0; i < kStepsBeforeWeightChange; ++i) {
                session->step();
            }
            StyleSettings changed = session->settings();
            changed.styleWeight *= 4.0;
            afterChange[k].push_back(timed([&] {
                session->applySettings(changed);
                session->step();
                session->currentImage();
            }));
        }
    }
    const std::string where = network.title + " at 512 px";
    table_.add(where + ": first preview frame", "s", firstFrame[0], firstFrame[1]);
    table_.add(where + ": weight change to its first frame", "s", afterChange[0], afterChange[1]);
}

void Measurements::raceToFivePercent(const BenchNetwork& network) {
    race(network, kRaceSize, kRaceTarget, variants_,
         network.title + " at " + std::to_string(kRaceSize) + " px");
}

void Measurements::coarseToFineRace(const BenchNetwork& network) {
    Variant singleScale = fastVariant();
    singleScale.name = "fast single-scale";
    singleScale.coarseToFine = false;
    race(network, kLargeRaceSize, kLargeRaceTarget, {singleScale, fastVariant()},
         network.title + " at " + std::to_string(kLargeRaceSize) +
             " px, fast paths without / with coarse-to-fine");
}

void Measurements::lossAtEqualIterations(const BenchNetwork& network, int size, int iterations,
                                         OptimizerKind optimizer) {
    const std::string optimizerName = optimizer == OptimizerKind::Adam ? "Adam" : "L-BFGS";
    // The total loss after the iterations, the image evaluated in float32.
    auto totalLossAfter = [&](Variant variant, const std::string& imageName) {
        variant.coarseToFine = false;  // at `size` throughout
        StyleSettings settings;
        settings.optimizer = optimizer;
        auto session = makeSession(variant, loadModelFor(variant, network.weights), images_,
                                   settings, size, options_.device);
        while (session->iteration() < iterations) {
            session->step();
        }
        StyleSettings judged = session->settings();
        judged.precision = Precision::Float32;
        session->applySettings(judged);
        const double total = session->settle().total;
        if (!imageName.empty()) {
            const auto file =
                options_.outputDir /
                (slug(network.title) + "-" + imageName + "-" + std::to_string(size) + "-" +
                 std::to_string(iterations) + "it-" + slug(optimizerName) + ".png");
            exportPng(file, session->currentImage());
            std::printf("  wrote %s\n", file.string().c_str());
        }
        return total;
    };
    std::array<std::vector<double>, 2> total;
    for (const size_t k : order(0)) {
        total[k].push_back(totalLossAfter(variants_[k], slug(variants_[k].name)));
    }
    // L-BFGS amplifies rounding (Adam much less): the first variant on another number of threads
    // (other summation orders, the same arithmetic) shows how far rounding alone moves the result.
    const int threads = at::get_num_threads();
    const int otherThreads = threads > 1 ? 1 : 2;
    at::set_num_threads(otherThreads);
    const double reference = totalLossAfter(variants_[0], {});
    at::set_num_threads(threads);
    std::printf("  rounding alone: %s on %d thread(s) ends at %.4g, %.1f%% from %.4g on %d\n",
                variants_[0].name.c_str(), otherThreads, reference,
                100.0 * std::abs(reference - total[0][0]) / total[0][0], total[0][0], threads);
    table_.add(network.title + " at " + std::to_string(size) + " px: total loss after " +
                   std::to_string(iterations) + " " + optimizerName +
                   " iterations (evaluated in float32)",
               "", total[0], total[1]);
}

void Measurements::profileIteration(const BenchNetwork& network, int size) {
    constexpr int kWarmupSteps = 2;
    Variant variant = variants_[1];
    variant.coarseToFine = false;
    StyleSettings settings;
    settings.optimizer = OptimizerKind::Adam;  // one evaluation per step, as iterationTime()
    auto session = makeSession(variant, loadModelFor(variant, network.weights), images_, settings,
                               size, options_.device);
    for (int i = 0; i < kWarmupSteps; ++i) {
        session->step();
    }
    printAndSaveProfile(*session, network.title + " at " + std::to_string(size) + " px, " +
                                      variant.name + ", Adam iteration");
}

void Measurements::printAndSaveProfile(StyleSession& session, const std::string& title) {
    constexpr int kProfiledSteps = 5;
    constexpr size_t kOperatorRows = 15;
    const StepProfile profile = profileSteps(session, kProfiledSteps);
    printProfile(stdout, title, profile, kOperatorRows);
    if (std::FILE* out =
            std::fopen((options_.outputDir / ("profile-" + slug(title) + ".md")).c_str(), "w")) {
        printProfile(out, title, profile, kOperatorRows);
        std::fclose(out);
    }
}

void Measurements::race(const BenchNetwork& network, int size, double target,
                        const std::array<Variant, 2>& variants, const std::string& where) {
    // The judge: the first variant's network and loss at `size`, stepped never.
    auto judge = makeSession(variants[0], loadModelFor(variants[0], network.weights), images_, {},
                             size, options_.device);
    judge->prepare();
    const double startingStyle = judge->settle().style;
    auto evaluate = [&](const Image& image) {
        judge->setCurrentImage(image);
        judge->prepare();
        return judge->settle();
    };
    const double maximumSeconds = options_.quick ? 150.0 : 600.0;

    std::array<std::vector<double>, 2> seconds, iterations, evaluations, content, total;
    for (int run = 0; run < options_.raceRuns; ++run) {
        for (const size_t k : order(run)) {
            auto session = makeSession(variants[k], loadModelFor(variants[k], network.weights),
                                       images_, {}, size, options_.device);
            double elapsed = 0.0;
            int steps = 0;
            LossBreakdown atSize;
            bool reached = false;
            while (!reached && steps < kRaceMaximumIterations && elapsed < maximumSeconds) {
                elapsed += timed([&] { session->step(); });
                ++steps;
                atSize = evaluate(session->currentImage());
                reached = atSize.style <= target * startingStyle;
                if (options_.trace) {
                    std::printf(
                        "    %s %3d  scale %d/%d  %3d evaluations  %6.2f s  style at full size "
                        "%.4f of the photo's\n",
                        variants[k].name.c_str(), steps, session->scaleStage() + 1,
                        session->scaleStageCount(), session->counters().evaluations, elapsed,
                        atSize.style / startingStyle);
                    std::fflush(stdout);
                }
            }
            const double missing = std::numeric_limits<double>::quiet_NaN();
            seconds[k].push_back(reached ? elapsed : missing);
            iterations[k].push_back(reached ? steps : missing);
            evaluations[k].push_back(reached ? session->counters().evaluations : missing);
            content[k].push_back(atSize.content);
            total[k].push_back(atSize.total);
            std::printf(
                "  %s run %d: %s after %d iterations, %.1f s (style %.3g of %.3g, scale "
                "%d/%d)\n",
                variants[k].name.c_str(), run + 1, reached ? "reached the target" : "stopped",
                steps, elapsed, atSize.style, startingStyle, session->scaleStage() + 1,
                session->scaleStageCount());
            if (run == 0) {
                session->settle();  // to the final size, as an export would
                const auto file =
                    options_.outputDir / (slug(network.title) + "-" + slug(variants[k].name) + "-" +
                                          std::to_string(size) + ".png");
                exportPng(file, session->currentImage());
                std::printf("  wrote %s\n", file.string().c_str());
            }
        }
    }
    const std::string goal =
        std::to_string(static_cast<int>(std::lround(100.0 * target))) + "% style loss";
    table_.add(where + ": time to " + goal, "s", seconds[0], seconds[1]);
    table_.add(where + ": iterations to " + goal, "", iterations[0], iterations[1]);
    table_.add(where + ": loss evaluations to " + goal, "", evaluations[0], evaluations[1]);
    table_.add(where + ": content loss at that point", "", content[0], content[1]);
    table_.add(where + ": total loss at that point", "", total[0], total[1]);
}

}  // namespace impasto::bench

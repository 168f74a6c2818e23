#pragma once

#include <array>
#include <filesystem>
#include <string>

#include "bench/BenchOptions.h"
#include "bench/PeakMemory.h"
#include "bench/ResultTable.h"
#include "bench/Variant.h"

namespace impasto::bench {

struct BenchNetwork {
    std::string title;
    std::filesystem::path weights;
};

// The measurements, each comparing two variants on the same work (the single-scale baseline
// and the fast paths, or float32 and bfloat16); their runs alternate (and swap which goes
// first) so that a neighbour's load on the machine hits both alike. Results go to the table.
class Measurements {
public:
    Measurements(const BenchOptions& options, const BenchImages& images,
                 const std::array<Variant, 2>& variants, ResultTable& table);

    // Milliseconds per iteration (forward and backward pass and an Adam update, whose own cost
    // is a few element-wise operations) at `size` px, both variants at that size: what the
    // memory layout and precision change. Also the peak host memory of an iteration.
    void iterationTime(const BenchNetwork& network, int size);
    // At 512 px: seconds from nothing (model loaded) to the first preview frame (session,
    // targets, first step, image conversion), and from a weight change to the frame that
    // reflects it.
    void previewLatency(const BenchNetwork& network);
    // At 512 px from the content photo: seconds of stepping until the style loss of the current
    // image, evaluated at 512 px whatever scale the run is at, is 5% of the photo's. Evaluation
    // is not timed. Also the losses at that point (the quality) and the images, saved for a
    // look.
    void raceToFivePercent(const BenchNetwork& network);
    // Coarse-to-fine's quality per second: a race to 10% style loss at 1024 px between the fast
    // paths with and without it (in the table's baseline column: without).
    void coarseToFineRace(const BenchNetwork& network);
    // The total loss after `iterations` iterations of `optimizer` from the photo at `size` px, each
    // variant's image evaluated in float32: whether a variant changes the picture. The images
    // are saved for a look.
    void lossAtEqualIterations(const BenchNetwork& network, int size, int iterations,
                               OptimizerKind optimizer);
    // What masks (issue 13) add to an iteration at `size` px on the second variant's paths:
    // one painting with a half-image style mask and a keep square against the same painting
    // unmasked, and two paintings on complementary halves against the two blended; profiles of
    // each pair's steps show where the masks' time goes.
    void maskCost(const BenchNetwork& network, int size);
    // Profiles Adam iterations of the second variant at `size` px and prints (and saves) where
    // their time goes.
    void profileIteration(const BenchNetwork& network, int size);

private:
    // Both variants from the content photo at `size` px until the style loss, evaluated by the
    // first variant's network at `size` whatever scale the run is at, is `target` times the
    // photo's.
    void race(const BenchNetwork& network, int size, double target,
              const std::array<Variant, 2>& variants, const std::string& where);
    // Profiles a few steps of `session` and prints (and saves, named after `title`) where their
    // time goes.
    void printAndSaveProfile(StyleSession& session, const std::string& title);

    const BenchOptions& options_;
    const BenchImages& images_;
    std::array<Variant, 2> variants_;
    ResultTable& table_;
    PeakMemory memory_;
};

}  // namespace impasto::bench

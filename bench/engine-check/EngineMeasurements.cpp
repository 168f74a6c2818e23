#include "bench/engine-check/EngineMeasurements.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "bench/PeakMemory.h"
#include "core/model/ModelLoader.h"
#include "core/style/StyleSession.h"

namespace impasto::bench {

namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<StyleSession> startSession(const EngineSetup& setup, int size,
                                           OptimizerKind optimizer, Precision precision) {
    auto session = std::make_unique<StyleSession>(loadModel(setup.weights), setup.device);
    session->setContent(setup.content);
    session->setStyles({setup.style});
    StyleSettings settings;
    settings.outputSize = size;
    settings.optimizer = optimizer;
    settings.coarseToFine = false;
    settings.precision = precision;
    session->applySettings(settings);
    return session;
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

LossTrace lossesAt(const EngineSetup& setup, int size, const std::vector<int>& iterations) {
    const auto session = startSession(setup, size, OptimizerKind::Lbfgs, Precision::Float32);
    LossTrace trace;
    for (const int target : iterations) {
        while (session->iteration() < target) {
            session->step();
        }
        trace.totals.push_back(session->settle().total);
    }
    trace.result = session->currentImage();
    return trace;
}

std::optional<double> millisecondsPerIteration(const EngineSetup& setup, int size, bool bfloat16,
                                               int iterations) {
    const Precision precision = bfloat16 ? Precision::Bfloat16 : Precision::Float32;
    const auto session = startSession(setup, size, OptimizerKind::Adam, precision);
    if (session->precision().precision != precision) {
        return std::nullopt;
    }
    for (int i = 0; i < 2; ++i) {
        session->step();
    }
    std::vector<double> milliseconds;
    for (int i = 0; i < iterations; ++i) {
        // step() reads the loss back to the host, so the GPU's work is done when it returns.
        milliseconds.push_back(session->step().seconds * 1000.0);
    }
    std::nth_element(milliseconds.begin(), milliseconds.begin() + milliseconds.size() / 2,
                     milliseconds.end());
    return milliseconds[milliseconds.size() / 2];
}

LbfgsRun runLbfgs(const EngineSetup& setup, int size, int iterations) {
    const auto session = startSession(setup, size, OptimizerKind::Lbfgs, Precision::Auto);
    const auto start = Clock::now();
    LbfgsRun result;
    while (session->iteration() < iterations) {
        result.losses = session->step().losses;
    }
    result.seconds = secondsSince(start);
    result.iterations = session->iteration();
    result.evaluations = session->counters().evaluations;
    result.result = session->currentImage();
    return result;
}

int64_t peakMemoryBytes(const EngineSetup& setup, int size) {
    PeakMemory peak;
    peak.reset();
    {
        const auto session = startSession(setup, size, OptimizerKind::Lbfgs, Precision::Auto);
        session->step();
        session->step();
    }
    return setup.device == DevicePreference::Cuda ? peak.deviceBytes() : peak.hostBytes();
}

}  // namespace impasto::bench

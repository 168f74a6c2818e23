#include "bench/engine-check/EngineMeasurements.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "bench/PeakMemory.h"
#include "core/model/FeatureNetwork.h"
#include "core/model/ModelLoader.h"
#include "core/style/StyleSession.h"

namespace impasto::bench {

namespace {

using Clock = std::chrono::steady_clock;

struct Run {
    std::shared_ptr<FeatureNetwork> network;
    std::unique_ptr<StyleSession> session;
};

Run startSession(const EngineSetup& setup, int size, OptimizerKind optimizer, bool bfloat16) {
    LoadedModel model = loadModel(setup.weights);
    auto network = model.network;
    auto session = std::make_unique<StyleSession>(std::move(model), setup.device);
    network->setReducedPrecision(bfloat16);
    session->setContent(setup.content);
    session->setStyles({setup.style});
    StyleSettings settings;
    settings.outputSize = size;
    settings.optimizer = optimizer;
    settings.coarseToFine = false;
    session->applySettings(settings);
    return {network, std::move(session)};
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

LossTrace lossesAt(const EngineSetup& setup, int size, const std::vector<int>& iterations) {
    Run run = startSession(setup, size, OptimizerKind::Lbfgs, false);
    LossTrace trace;
    for (const int target : iterations) {
        while (run.session->iteration() < target) {
            run.session->step();
        }
        trace.totals.push_back(run.session->settle().total);
    }
    trace.result = run.session->currentImage();
    return trace;
}

std::optional<double> millisecondsPerIteration(const EngineSetup& setup, int size, bool bfloat16,
                                               int iterations) {
    Run run = startSession(setup, size, OptimizerKind::Adam, bfloat16);
    if (bfloat16 && !run.network->reducedPrecision()) {
        return std::nullopt;
    }
    for (int i = 0; i < 2; ++i) {
        run.session->step();
    }
    std::vector<double> milliseconds;
    for (int i = 0; i < iterations; ++i) {
        // step() reads the loss back to the host, so the GPU's work is done when it returns.
        milliseconds.push_back(run.session->step().seconds * 1000.0);
    }
    std::nth_element(milliseconds.begin(), milliseconds.begin() + milliseconds.size() / 2,
                     milliseconds.end());
    return milliseconds[milliseconds.size() / 2];
}

LbfgsRun runLbfgs(const EngineSetup& setup, int size, int iterations) {
    Run run = startSession(setup, size, OptimizerKind::Lbfgs, true);
    const auto start = Clock::now();
    LbfgsRun result;
    while (run.session->iteration() < iterations) {
        result.losses = run.session->step().losses;
    }
    result.seconds = secondsSince(start);
    result.iterations = run.session->iteration();
    result.evaluations = run.session->counters().evaluations;
    result.result = run.session->currentImage();
    return result;
}

int64_t peakMemoryBytes(const EngineSetup& setup, int size) {
    PeakMemory peak;
    peak.reset();
    {
        Run run = startSession(setup, size, OptimizerKind::Lbfgs, true);
        run.session->step();
        run.session->step();
    }
    return setup.device == DevicePreference::Cuda ? peak.deviceBytes() : peak.hostBytes();
}

}  // namespace impasto::bench

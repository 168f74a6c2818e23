// impasto-engine-check: the style-transfer engine on LibTorch alone, measured on the GPU where
// there is one (packaging/gpu-check.sh builds and runs it there). Writes report.json and
// results.safetensors (result images; impasto-engine-images unpack turns them into PNGs).

#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/engine-check/EngineCheckOptions.h"
#include "bench/engine-check/EngineImages.h"
#include "bench/engine-check/EngineMeasurements.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/model/ComputeDevice.h"

namespace {

using impasto::DevicePreference;
using impasto::bench::EngineCheckOptions;
using impasto::bench::EngineSetup;
using nlohmann::json;

constexpr const char* kSqueezeNet = "squeezenet1_1-features.safetensors";
constexpr const char* kVgg19 = "vgg19-conv1_1-conv3_4.safetensors";

// CPU and CUDA sum in different orders, and L-BFGS amplifies the difference step by step: the
// tolerance on the total loss grows with the iteration.
double agreementTolerance(int iteration) {
    return iteration <= 1 ? 1e-3 : iteration <= 10 ? 1e-2 : 5e-2;
}

void say(const char* format, const auto&... values) {
    std::fprintf(stderr, format, values...);
    std::fflush(stderr);
}

json agreement(const EngineCheckOptions& options, EngineSetup setup, bool withCuda,
               impasto::bench::NamedImages& results) {
    say("Losses at iterations 1/10/100 (SqueezeNet, %d px)\n", options.agreementSize);
    setup.weights = options.inputs / kSqueezeNet;
    setup.device = DevicePreference::Cpu;
    const auto cpu =
        impasto::bench::lossesAt(setup, options.agreementSize, options.agreementIterations);
    results["agreement-cpu"] = cpu.result;
    json report = {{"network", "squeezenet1_1"},
                   {"size", options.agreementSize},
                   {"iterations", options.agreementIterations},
                   {"cpu", cpu.totals},
                   {"cuda", nullptr}};
    if (!withCuda) {
        return report;
    }
    setup.device = DevicePreference::Cuda;
    const auto cuda =
        impasto::bench::lossesAt(setup, options.agreementSize, options.agreementIterations);
    results["agreement-cuda"] = cuda.result;
    json differences = json::array(), tolerances = json::array();
    bool agree = true;
    for (size_t i = 0; i < cpu.totals.size(); ++i) {
        const double difference = std::abs(cuda.totals[i] - cpu.totals[i]) / cpu.totals[i];
        const double tolerance = agreementTolerance(options.agreementIterations[i]);
        differences.push_back(difference);
        tolerances.push_back(tolerance);
        agree = agree && difference <= tolerance;
    }
    report["cuda"] = cuda.totals;
    report["relativeDifference"] = differences;
    report["tolerance"] = tolerances;
    report["agree"] = agree;
    return report;
}

json iterationTimes(const EngineCheckOptions& options, EngineSetup setup) {
    json times = json::array();
    for (const char* weights : {kSqueezeNet, kVgg19}) {
        setup.weights = options.inputs / weights;
        for (const int size : options.timingSizes) {
            for (const bool bfloat16 : {false, true}) {
                say("Iteration time: %s, %d px, %s\n", weights, size,
                    bfloat16 ? "bfloat16" : "float32");
                const auto milliseconds = impasto::bench::millisecondsPerIteration(
                    setup, size, bfloat16, options.timedIterations);
                times.push_back({{"weights", weights},
                                 {"size", size},
                                 {"convolutions", bfloat16 ? "bfloat16" : "float32"},
                                 {"msPerIteration", milliseconds ? json(*milliseconds) : json()}});
            }
        }
    }
    return times;
}

json lbfgsRuns(const EngineCheckOptions& options, EngineSetup setup,
               impasto::bench::NamedImages& results) {
    json runs = json::array();
    for (const char* weights : {kSqueezeNet, kVgg19}) {
        say("%d L-BFGS iterations: %s, %d px\n", options.lbfgsIterations, weights,
            options.lbfgsSize);
        setup.weights = options.inputs / weights;
        const auto run =
            impasto::bench::runLbfgs(setup, options.lbfgsSize, options.lbfgsIterations);
        results[std::string("lbfgs-") + (weights == kSqueezeNet ? "squeezenet" : "vgg19")] =
            run.result;
        runs.push_back({{"weights", weights},
                        {"size", options.lbfgsSize},
                        {"iterations", run.iterations},
                        {"evaluations", run.evaluations},
                        {"seconds", run.seconds},
                        {"iterationsPerSecond", run.iterations / run.seconds},
                        {"contentLoss", run.losses.content},
                        {"styleLoss", run.losses.style},
                        {"totalLoss", run.losses.total}});
    }
    return runs;
}

json peakMemory(const EngineCheckOptions& options, EngineSetup setup) {
    json peaks = json::array();
    setup.weights = options.inputs / kVgg19;
    for (const int size : options.memorySizes) {
        say("Peak memory: VGG-19 to relu3_4, %d px\n", size);
        peaks.push_back({{"weights", kVgg19},
                         {"size", size},
                         {"memory", setup.device == DevicePreference::Cuda ? "cuda" : "host"},
                         {"peakBytes", impasto::bench::peakMemoryBytes(setup, size)}});
    }
    return peaks;
}

// What a working engine must show: losses that are finite and fall, timings and memory that
// were measured. Returns the problems found.
std::vector<std::string> problemsIn(const json& report) {
    std::vector<std::string> problems;
    const auto finite = [](const json& value) {
        return value.is_number() && std::isfinite(value.get<double>());
    };
    for (const char* device : {"cpu", "cuda"}) {
        const json& totals = report["agreement"][device];
        if (totals.is_null()) {
            continue;
        }
        const bool allFinite = std::all_of(totals.begin(), totals.end(), finite);
        if (!allFinite || !(totals.back() < totals.front())) {
            problems.push_back(std::string("the loss on ") + device +
                               " is not finite or did not fall");
        }
    }
    if (report["agreement"].value("agree", true) == false) {
        problems.push_back("CPU and CUDA losses disagree beyond the tolerance");
    }
    for (const json& time : report["iterationTimes"]) {
        if (time["convolutions"] == "float32" &&
            !(finite(time["msPerIteration"]) && time["msPerIteration"].get<double>() > 0)) {
            problems.push_back("an iteration time was not measured");
        }
    }
    for (const json& run : report["lbfgs"]) {
        if (!finite(run["totalLoss"]) || !(run["iterationsPerSecond"].get<double>() > 0)) {
            problems.push_back("an L-BFGS run has no finite loss or speed");
        }
    }
    for (const json& peak : report["peakMemory"]) {
        if (!(peak["peakBytes"].get<int64_t>() > 0)) {
            problems.push_back("a peak memory was not measured");
        }
    }
    return problems;
}

int run(const EngineCheckOptions& options) {
    impasto::useAllCores();
    const auto images = impasto::bench::readEngineImages(options.inputs / "images.safetensors");
    EngineSetup setup;
    setup.content = images.at("content");
    setup.style = images.at("style");
    const bool withCuda = !options.cpuOnly && impasto::cudaAvailable();
    setup.device = withCuda ? DevicePreference::Cuda : DevicePreference::Cpu;

    impasto::bench::NamedImages results;
    json report = {{"device", withCuda ? "cuda" : "cpu"},
                   {"mode", options.cpuOnly ? "cpu (small sizes)" : "full"},
                   {"libtorch", TORCH_VERSION},
                   {"cudaAvailable", impasto::cudaAvailable()},
                   {"computeThreads", impasto::computeThreads()}};
    report["agreement"] = agreement(options, setup, withCuda, results);
    report["iterationTimes"] = iterationTimes(options, setup);
    report["lbfgs"] = lbfgsRuns(options, setup, results);
    report["peakMemory"] = peakMemory(options, setup);

    std::filesystem::create_directories(options.output);
    impasto::bench::writeEngineImages(options.output / "results.safetensors", results);
    const std::string text = report.dump(2) + "\n";
    impasto::writeFileAtomically(options.output / "report.json",
                                 {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    std::fputs(text.c_str(), stdout);
    const std::vector<std::string> problems = problemsIn(report);
    for (const std::string& problem : problems) {
        say("impasto-engine-check: %s\n", problem.c_str());
    }
    return problems.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const auto options = impasto::bench::parseEngineCheckOptions(argc, argv);
        if (!options) {
            std::fputs(impasto::bench::kEngineCheckUsage, stdout);
            return 0;
        }
        return run(*options);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-engine-check: %s\n", error.what());
        return 1;
    }
}

#include "core/model/PrecisionChoice.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/StrictJson.h"
#include "core/model/FeatureNetwork.h"

namespace impasto {

namespace {

// The leading fields of oneDNN's dnnl_version_t (a stable C API).
struct OnednnVersion {
    int major;
    int minor;
    int patch;
};

// Debian's LibTorch links the shared libdnnl, which another package may update on its own;
// official LibTorch builds link oneDNN in without exporting it.
std::string onednnVersion() {
    using VersionFunction = const OnednnVersion* (*)();
    const auto version = reinterpret_cast<VersionFunction>(::dlsym(RTLD_DEFAULT, "dnnl_version"));
    if (version == nullptr || version() == nullptr) {
        return {};
    }
    const OnednnVersion* v = version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
           std::to_string(v->patch);
}

// The value after "name\t: " on the first line of /proc/cpuinfo that has it.
std::string cpuinfoField(const std::string& name) {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos || line.compare(0, name.size(), name) != 0) {
            continue;
        }
        const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
        if (key == name) {
            const auto start = line.find_first_not_of(' ', colon + 1);
            return start == std::string::npos ? std::string() : line.substr(start);
        }
    }
    return {};
}

std::string bfloat16Features() {
    std::istringstream flags(cpuinfoField("flags"));
    std::string flag, features;
    while (flags >> flag) {
        if (flag == "amx_bf16" || flag == "avx512_bf16") {
            features += (features.empty() ? "" : " ") + flag;
        }
    }
    return features;
}

constexpr int kWarmupRuns = 2;
constexpr int kTimedRounds = 5;

// One 3x3 convolution of 64 to 128 channels at 64 x 64 and its ReLU, like VGG's second block,
// forward and backward to the input (the weights are fixed in style transfer).
class ConvolutionProbe {
public:
    explicit ConvolutionProbe(at::ScalarType type) {
        auto generator = at::detail::createCPUGenerator(0);
        input_ = at::randn({1, 64, 64, 64}, generator)
                     .to(type)
                     .contiguous(at::MemoryFormat::ChannelsLast)
                     .requires_grad_(true);
        weight_ = (at::randn({128, 64, 3, 3}, generator) * 0.05)
                      .to(type)
                      .contiguous(at::MemoryFormat::ChannelsLast);
    }

    double milliseconds() {
        const auto start = std::chrono::steady_clock::now();
        const at::Tensor output = at::relu(at::conv2d(input_, weight_, {}, {1, 1}, {1, 1}));
        output.backward(at::ones_like(output));
        const std::chrono::duration<double, std::milli> elapsed =
            std::chrono::steady_clock::now() - start;
        input_.mutable_grad() = at::Tensor();
        return elapsed.count();
    }

private:
    at::Tensor input_;
    at::Tensor weight_;
};

// LibTorch on one thread while it lives; the thread count is per thread under OpenMP.
class OneThread {
public:
    OneThread() : threads_(at::get_num_threads()) { at::set_num_threads(1); }
    ~OneThread() { at::set_num_threads(threads_); }
    OneThread(const OneThread&) = delete;
    OneThread& operator=(const OneThread&) = delete;

private:
    int threads_;
};

bool positiveFinite(const nlohmann::json& value) {
    return value.is_number() && std::isfinite(value.get<double>()) && value.get<double>() > 0.0;
}

std::string speedupText(double speedup) {
    char text[32];
    std::snprintf(text, sizeof text, speedup >= 1.0 ? "%.1fx" : "%.2fx", speedup);
    return text;
}

}  // namespace

MachineKey thisMachine() {
    MachineKey machine;
    machine.cpu = cpuinfoField("model name");
    if (machine.cpu.empty()) {
        machine.cpu = "unknown CPU";
    }
    const std::string features = bfloat16Features();
    if (!features.empty()) {
        machine.cpu += " (" + features + ")";
    }
    machine.libraries = "LibTorch " TORCH_VERSION;
    const std::string onednn = onednnVersion();
    if (!onednn.empty()) {
        machine.libraries += ", oneDNN " + onednn;
    }
    return machine;
}

ConvolutionTiming measureConvolutions() {
    // On one thread: the ratio is a property of each core, and threads that wait for each other
    // on a busy machine would measure the load instead.
    const OneThread oneThread;
    const c10::AutoGradMode gradients(true);
    ConvolutionProbe float32(at::kFloat);
    ConvolutionProbe bfloat16(at::kBFloat16);
    for (int run = 0; run < kWarmupRuns; ++run) {  // oneDNN generates its kernels here
        float32.milliseconds();
        bfloat16.milliseconds();
    }
    // Alternating, and the fastest of each: a neighbour's load only ever adds time.
    ConvolutionTiming timing{std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::infinity()};
    for (int round = 0; round < kTimedRounds; ++round) {
        timing.float32Ms = std::min(timing.float32Ms, float32.milliseconds());
        timing.bfloat16Ms = std::min(timing.bfloat16Ms, bfloat16.milliseconds());
    }
    return timing;
}

std::filesystem::path precisionCacheFile() {
    const char* cacheHome = std::getenv("XDG_CACHE_HOME");
    if (cacheHome != nullptr && std::filesystem::path(cacheHome).is_absolute()) {
        return std::filesystem::path(cacheHome) / "impasto" / "precision.json";
    }
    const char* home = std::getenv("HOME");
    if (home != nullptr && std::filesystem::path(home).is_absolute()) {
        return std::filesystem::path(home) / ".cache" / "impasto" / "precision.json";
    }
    return {};
}

std::optional<ConvolutionTiming> readCachedTiming(const std::filesystem::path& file,
                                                  const MachineKey& machine) {
    constexpr std::streamsize kMaximumBytes = 64 * 1024;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::string text(kMaximumBytes, '\0');
    in.read(text.data(), kMaximumBytes);
    text.resize(static_cast<size_t>(in.gcount()));
    try {
        const nlohmann::json cached = parseStrictJson(text);
        if (!cached.is_object() || cached.value("cpu", "") != machine.cpu ||
            cached.value("libraries", "") != machine.libraries ||
            !positiveFinite(cached.value("float32Ms", nlohmann::json())) ||
            !positiveFinite(cached.value("bfloat16Ms", nlohmann::json()))) {
            return std::nullopt;
        }
        return ConvolutionTiming{cached["float32Ms"].get<double>(),
                                 cached["bfloat16Ms"].get<double>()};
    } catch (const std::exception&) {
        return std::nullopt;  // damaged or from another program: measure again
    }
}

void writeCachedTiming(const std::filesystem::path& file, const MachineKey& machine,
                       const ConvolutionTiming& timing) {
    try {
        std::filesystem::create_directories(file.parent_path());
    } catch (const std::filesystem::filesystem_error& error) {
        throw Error("Cannot create " + file.parent_path().string() + ": " + error.what());
    }
    const nlohmann::ordered_json cached = {{"cpu", machine.cpu},
                                           {"libraries", machine.libraries},
                                           {"float32Ms", timing.float32Ms},
                                           {"bfloat16Ms", timing.bfloat16Ms}};
    const std::string text =
        cached.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    writeFileAtomically(file, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

ConvolutionTiming convolutionTimingForThisMachine(const std::filesystem::path& cacheFile) {
    const MachineKey machine = thisMachine();
    if (!cacheFile.empty()) {
        if (const auto cached = readCachedTiming(cacheFile, machine)) {
            return *cached;
        }
    }
    const ConvolutionTiming timing = measureConvolutions();
    if (!cacheFile.empty()) {
        try {
            writeCachedTiming(cacheFile, machine, timing);
        } catch (const Error&) {
            // A read-only home: the choice still stands, measured again next time.
        }
    }
    return timing;
}

PrecisionChoice automaticCpuPrecision(const ConvolutionTiming& timing) {
    const double speedup = timing.speedup();
    if (speedup >= kMinimumBfloat16Speedup) {
        return {Precision::Bfloat16,
                "auto: measured " + speedupText(speedup) + " as fast as float32 on this CPU"};
    }
    return {Precision::Float32,
            "auto: bfloat16 measured only " + speedupText(speedup) + " as fast on this CPU"};
}

PrecisionChoice choosePrecision(Precision requested, const std::string& device) {
    if (requested != Precision::Auto) {
        return {requested, "chosen in the settings"};
    }
    if (device.starts_with("cuda")) {
        return {Precision::Bfloat16, "auto: CUDA runs bfloat16 convolutions"};
    }
    static std::mutex mutex;
    static std::optional<ConvolutionTiming> timing;
    const std::lock_guard lock(mutex);
    if (!timing) {
        try {
            timing = convolutionTimingForThisMachine(precisionCacheFile());
        } catch (const std::exception&) {
            // A LibTorch whose CPU convolutions refuse bfloat16 must not stop the run.
            return {Precision::Float32, "auto: bfloat16 convolutions failed on this CPU"};
        }
    }
    return automaticCpuPrecision(*timing);
}

PrecisionChoice usePrecision(FeatureNetwork& network, Precision requested) {
    PrecisionChoice choice = choosePrecision(requested, network.device().str());
    network.setReducedPrecision(choice.precision == Precision::Bfloat16);
    if (choice.precision == Precision::Bfloat16 && !network.reducedPrecision()) {
        choice = {Precision::Float32, "this GPU's convolutions refuse bfloat16"};
    }
    return choice;
}

}  // namespace impasto

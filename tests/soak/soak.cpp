// Soak test of the style session: for a given number of minutes a worker thread steps a
// session while changing its settings hundreds of times at random (weights, layers, size, style
// blend, optimizer...), restarting, settling and idling, and another thread calls cancel() at
// random moments. The main thread samples the resident memory every few seconds and watches for
// a stalled worker. At the end the result is exported and the memory over time printed with a
// verdict: exit 0 when memory stayed flat, 1 when it grew, 2 on a stall or an error.
//
// Usage: impasto-soak [--minutes M] [--output FILE.png] [--seed N] [--max-size PX]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/common/Error.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/model/ModelLoader.h"
#include "core/style/StyleSession.h"

using namespace impasto;
using Clock = std::chrono::steady_clock;

namespace {

// Growth of resident memory (least-squares slope after the first third of the run) above which
// the run counts as leaking: 20 MB per 10 minutes. The first third is warm-up: allocator pools,
// LibTorch's caches and OpenMP's threads settle there.
constexpr double kLeakMbPerMinute = 2.0;
constexpr auto kSampleInterval = std::chrono::seconds(5);
// A worker with no finished action for this long is stuck.
constexpr auto kStallLimit = std::chrono::seconds(120);

struct Options {
    double minutes = 10.0;
    std::string output = "soak.png";
    unsigned seed = 1;
    int maxSize = 160;
};

struct Counts {
    std::atomic<int> steps{0};
    std::atomic<int> settingChanges{0};
    std::atomic<int> styleChanges{0};
    std::atomic<int> restarts{0};
    std::atomic<int> settles{0};
    std::atomic<int> pauses{0};
    std::atomic<int> cancelsRequested{0};
    std::atomic<int> cancelsHit{0};
    std::atomic<int> frames{0};
    std::atomic<int> refusals{0};
};

double residentMb() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// Least-squares slope of (minutes, MB) samples, in MB per minute.
double slope(const std::vector<std::pair<double, double>>& samples) {
    double meanX = 0.0;
    double meanY = 0.0;
    for (const auto& [x, y] : samples) {
        meanX += x / double(samples.size());
        meanY += y / double(samples.size());
    }
    double covariance = 0.0;
    double variance = 0.0;
    for (const auto& [x, y] : samples) {
        covariance += (x - meanX) * (y - meanY);
        variance += (x - meanX) * (x - meanX);
    }
    return variance > 0.0 ? covariance / variance : 0.0;
}

std::string sharedFile(const char* folder, const char* name) {
    const char* shared = std::getenv("IMPASTO_SHARED_DIR");
    return std::string(shared ? shared : IMPASTO_SHARED_DIR) + "/" + folder + "/" + name;
}

Options parseOptions(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--minutes") {
            options.minutes = std::stod(argv[i + 1]);
        } else if (flag == "--output") {
            options.output = argv[i + 1];
        } else if (flag == "--seed") {
            options.seed = unsigned(std::stoul(argv[i + 1]));
        } else if (flag == "--max-size") {
            options.maxSize = std::stoi(argv[i + 1]);
        } else {
            throw Error("Unknown option " + flag);
        }
    }
    if (argc % 2 == 0) {
        throw Error(
            "Usage: impasto-soak [--minutes M] [--output FILE.png] [--seed N] "
            "[--max-size PX]");
    }
    return options;
}

// Random settings of every kind the GUI can change.
class SettingsShaker {
public:
    SettingsShaker(const ModelInfo& model, unsigned seed, int maxSize)
        : layers_(model.availableLayers), random_(seed), maxSize_(maxSize) {}

    StyleSettings next(StyleSettings s, size_t styleCount) {
        switch (pick(0, 9)) {
            case 0:
                s.contentWeight = logUniform(0.1, 10.0);
                break;
            case 1:
                s.styleWeight = logUniform(1.0, 10000.0);
                break;
            case 2:
                s.tvWeight = pick(0, 3) == 0 ? 0.0 : logUniform(0.001, 1.0);
                break;
            case 3:
                s.contentLayers = randomLayers(1, 2);
                break;
            case 4:
                s.styleLayers = pick(0, 4) == 0 ? std::vector<LayerWeight>{} : randomLayers(1, 5);
                break;
            case 5:
                s.outputSize = pick(48, maxSize_);
                s.styleScale = pick(0, 2) == 0 ? logUniform(0.5, 1.5) : 1.0;
                break;
            case 6:
                s.styleBlend.clear();
                if (styleCount > 1 && pick(0, 1) == 0) {
                    for (size_t i = 0; i < styleCount; ++i) {
                        s.styleBlend.push_back(logUniform(0.1, 10.0));
                    }
                }
                break;
            case 7:
                s.optimizer = pick(0, 1) ? OptimizerKind::Adam : OptimizerKind::Lbfgs;
                s.learningRate = s.optimizer == OptimizerKind::Adam && pick(0, 1) ? 0.05 : 0.0;
                break;
            case 8:
                s.pooling = pick(0, 1) ? PoolingMode::Average : PoolingMode::Max;
                s.preserveColors = pick(0, 1) == 1;
                break;
            default:
                s.coarseToFine = pick(0, 1) == 1;
                s.init = pick(0, 1) ? InitKind::Noise : InitKind::Content;
                s.seed = random_();
                break;
        }
        // A blend has one weight per style image.
        if (!s.styleBlend.empty() && s.styleBlend.size() != styleCount) {
            s.styleBlend.clear();
        }
        return s;
    }

    int pick(int low, int high) { return std::uniform_int_distribution(low, high)(random_); }

private:
    double logUniform(double low, double high) {
        return std::exp(std::uniform_real_distribution(std::log(low), std::log(high))(random_));
    }

    std::vector<LayerWeight> randomLayers(int fewest, int most) {
        std::vector<std::string> names = layers_;
        std::shuffle(names.begin(), names.end(), random_);
        names.resize(std::min<size_t>(names.size(), size_t(pick(fewest, most))));
        std::vector<LayerWeight> layers;
        for (const std::string& name : names) {
            layers.push_back({name, logUniform(0.1, 4.0)});
        }
        return layers;
    }

    std::vector<std::string> layers_;
    std::mt19937 random_;
    int maxSize_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    try {
        options = parseOptions(argc, argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-soak: %s\n", error.what());
        return 2;
    }
    const auto start = Clock::now();
    const auto deadline =
        start + std::chrono::milliseconds(static_cast<long>(options.minutes * 60'000));
    Counts counts;
    std::atomic<bool> finished{false};
    std::atomic<long> lastProgressMs{0};
    std::atomic<int> exitCode{0};
    std::mutex sessionMutex;  // guards `session` being set, not its use
    StyleSession* session = nullptr;
    auto markProgress = [&] {
        lastProgressMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    };

    StyleSettings settings;  // the worker's latest, for the report of a failure
    std::thread worker([&] {
        try {
            const ImageLoadOptions small{.maxSide = 256};
            const Image content = loadImage(sharedFile("images", "tubingen.jpg"), small).image;
            const std::vector<Image> styles = {
                loadImage(sharedFile("images", "starry_night.jpg"), small).image,
                loadImage(sharedFile("images", "the_scream.jpg"), small).image};
            LoadedModel model =
                loadModel(sharedFile("weights", "squeezenet1_1-features.safetensors"));
            SettingsShaker shaker(model.info, options.seed, options.maxSize);
            StyleSession owned(std::move(model), DevicePreference::Cpu);
            owned.setContent(content);
            owned.setStyles(styles);
            size_t styleCount = styles.size();
            settings.outputSize = 96;
            owned.applySettings(settings);
            {
                std::lock_guard lock(sessionMutex);
                session = &owned;
            }
            while (Clock::now() < deadline) {
                const int action = shaker.pick(0, 99);
                try {
                    if (action < 60) {
                        owned.step();
                        ++counts.steps;
                        if (counts.steps % 4 == 0) {
                            owned.currentImage();  // a preview frame
                            ++counts.frames;
                        }
                    } else if (action < 85) {
                        settings = shaker.next(settings, styleCount);
                        owned.applySettings(settings);
                        ++counts.settingChanges;
                    } else if (action < 88) {
                        styleCount = size_t(shaker.pick(1, 2));
                        owned.setStyles({styles.begin(), styles.begin() + long(styleCount)});
                        settings.styleBlend.clear();
                        owned.applySettings(settings);
                        ++counts.styleChanges;
                    } else if (action < 92) {
                        owned.restart();
                        ++counts.restarts;
                    } else if (action < 94) {
                        owned.settle();
                        ++counts.settles;
                    } else {
                        // A pause: the artist looks at the picture.
                        std::this_thread::sleep_for(
                            std::chrono::milliseconds(shaker.pick(20, 400)));
                        ++counts.pauses;
                    }
                } catch (const Cancelled&) {
                    ++counts.cancelsHit;
                    owned.clearCancel();
                } catch (const Error& error) {
                    // Some random combinations are refused with a message for the artist (style
                    // images too small for the layers...); the GUI shows it and goes on. A
                    // message about an internal or engine error is a bug.
                    const std::string message = error.what();
                    if (message.starts_with("Internal error") ||
                        message.starts_with("Engine error")) {
                        throw;
                    }
                    if (counts.refusals++ == 0) {
                        std::printf("first refusal: %s\n", message.c_str());
                    }
                }
                markProgress();
            }
            {
                std::lock_guard lock(sessionMutex);
                session = nullptr;
            }
            owned.clearCancel();
            owned.settle();
            exportPng(options.output, owned.currentImage());
            std::printf("exported %s (%d x %d) after %d iterations\n", options.output.c_str(),
                        owned.finalWidth(), owned.finalHeight(), owned.iteration());
        } catch (const std::exception& error) {
            std::fprintf(stderr, "impasto-soak: worker failed: %s\nwith settings %s\n",
                         error.what(), toJson(settings).c_str());
            exitCode = 2;
        }
        finished = true;
    });

    std::thread canceller([&] {
        std::mt19937 random(options.seed + 1);
        while (!finished) {
            std::this_thread::sleep_for(
                std::chrono::milliseconds(std::uniform_int_distribution(200, 4000)(random)));
            std::lock_guard lock(sessionMutex);
            if (session != nullptr) {
                session->cancel();
                ++counts.cancelsRequested;
            }
        }
    });

    std::vector<std::pair<double, double>> samples;  // (minutes, resident MB)
    while (!finished) {
        const auto sampleAt = Clock::now() + kSampleInterval;
        while (!finished && Clock::now() < sampleAt) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        const double minutes = std::chrono::duration<double>(Clock::now() - start).count() / 60;
        samples.emplace_back(minutes, residentMb());
        const auto sinceProgress =
            std::chrono::milliseconds(long(minutes * 60'000) - lastProgressMs.load());
        if (!finished && lastProgressMs > 0 && sinceProgress > kStallLimit) {
            std::fprintf(stderr, "impasto-soak: no progress for %lld s: deadlock or hang\n",
                         static_cast<long long>(sinceProgress.count() / 1000));
            std::fflush(stderr);
            std::_Exit(2);
        }
    }
    worker.join();
    canceller.join();

    std::printf(
        "steps %d, setting changes %d, style changes %d, restarts %d, settles %d, "
        "pauses %d, frames %d, cancel() calls %d, steps cancelled %d, refusals %d\n",
        counts.steps.load(), counts.settingChanges.load(), counts.styleChanges.load(),
        counts.restarts.load(), counts.settles.load(), counts.pauses.load(), counts.frames.load(),
        counts.cancelsRequested.load(), counts.cancelsHit.load(), counts.refusals.load());
    std::printf("resident memory (minute: MB)\n");
    for (size_t i = 0; i < samples.size(); i += std::max<size_t>(1, samples.size() / 30)) {
        std::printf("  %6.2f: %7.1f\n", samples[i].first, samples[i].second);
    }
    const std::vector<std::pair<double, double>> settled(samples.begin() + long(samples.size() / 3),
                                                         samples.end());
    const double growth = slope(settled);
    const bool judged = settled.size() >= 6;
    const bool leaks = judged && growth > kLeakMbPerMinute;
    std::printf(
        "resident memory after warm-up: %.1f to %.1f MB, trend %+.2f MB/min "
        "(threshold %.1f): %s\n",
        judged ? settled.front().second : 0.0, judged ? settled.back().second : 0.0, growth,
        kLeakMbPerMinute,
        !judged ? "too short to judge"
        : leaks ? "GROWS (leak?)"
                : "flat, no leak");
    if (exitCode != 0) {
        return exitCode;
    }
    return leaks ? 1 : 0;
}

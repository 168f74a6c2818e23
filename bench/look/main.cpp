// impasto-look: the quality report of issue 17. Each variant of the engine (style loss,
// averaging of iterates, edge padding, coarse-to-fine controls) runs for the same time (or, on
// a machine too busy for equal times to mean anything, the same number of iterations, with the
// seconds they took, or the same CPU time on one thread, which other programs' load hardly
// changes) on the shared photos and paintings with both shared networks; the results
// are evaluated alike
// (content and style losses in float32 under the Gram and the Wasserstein objective, speckle
// on a flat sky, the border against the interior) and written as PNGs for looking at.
//
//   impasto-look [--size PX] [--seconds S | --cpu-seconds S | --iterations N]
//                [--network squeezenet|vgg]
//                [--variants a,b,...]
//                [--pairs tubingen:starry_night,...] [--out FOLDER]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/look/LookMeasures.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/image/Resize.h"
#include "core/model/FeatureNetwork.h"
#include "core/model/ModelLoader.h"
#include "core/style/StyleSession.h"

using namespace impasto;
using namespace impasto::bench;

namespace {

struct LookVariant {
    std::string name;
    std::function<void(StyleSettings&)> adjust;
    bool edgeRepeated = true;
};

const std::map<std::string, LookVariant>& variants() {
    static const std::map<std::string, LookVariant> all = [] {
        std::map<std::string, LookVariant> table;
        auto add = [&](LookVariant variant) { table[variant.name] = std::move(variant); };
        add({"zero-padding", [](StyleSettings&) {}, false});
        add({"gram", [](StyleSettings&) {}});
        add({"wasserstein", [](StyleSettings& s) { s.styleLoss = StyleLoss::Wasserstein; }});
        for (const double decay : {0.5, 0.7, 0.8, 0.9, 0.95, 0.99}) {
            char name[32];
            std::snprintf(name, sizeof name, "avg-%g", decay);
            add({name, [decay](StyleSettings& s) { s.averageDecay = decay; }});
            std::snprintf(name, sizeof name, "wasserstein-avg-%g", decay);
            add({name, [decay](StyleSettings& s) {
                     s.styleLoss = StyleLoss::Wasserstein;
                     s.averageDecay = decay;
                 }});
        }
        // The automatic stages whatever the default is, to compare a default against.
        add({"min-scale-0", [](StyleSettings& s) { s.minScale = 0; }});
        add({"min-scale-128", [](StyleSettings& s) { s.minScale = 128; }});
        // crowsonkb averages Adam's iterates, whose last steps jitter more than L-BFGS's.
        add({"adam", [](StyleSettings& s) { s.optimizer = OptimizerKind::Adam; }});
        for (const double decay : {0.9, 0.99}) {
            char name[32];
            std::snprintf(name, sizeof name, "adam-avg-%g", decay);
            add({name, [decay](StyleSettings& s) {
                     s.optimizer = OptimizerKind::Adam;
                     s.averageDecay = decay;
                 }});
        }
        return table;
    }();
    return all;
}

// The flat sky of each photo, clear of trees, towers and cables.
RelativeArea skyOf(const std::string& photo) {
    if (photo == "golden_gate") {
        return {0.70, 0.02, 0.98, 0.28};
    }
    return {0.15, 0.03, 0.55, 0.28};  // tubingen
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> items;
    std::string item;
    for (const char c : text + separator) {
        if (c == separator) {
            if (!item.empty())
                items.push_back(item);
            item.clear();
        } else {
            item += c;
        }
    }
    return items;
}

struct Options {
    int size = 384;
    double seconds = 20.0;
    bool cpuTime = false;  // seconds of this process's CPU time on one thread, not wall time
    int iterations = 0;    // above 0: instead of seconds
    std::string network = "squeezenet";
    std::vector<std::string> variants{"zero-padding", "gram", "wasserstein", "avg-0.9"};
    std::vector<std::string> pairs{"tubingen:starry_night", "tubingen:the_scream",
                                   "golden_gate:starry_night", "golden_gate:the_scream"};
    std::filesystem::path out = "bench-results/look";
    std::filesystem::path shared = IMPASTO_BENCH_SHARED_DIR;
};

Options parseOptions(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--size") {
            options.size = std::stoi(value);
        } else if (flag == "--seconds") {
            options.seconds = std::stod(value);
        } else if (flag == "--cpu-seconds") {
            options.seconds = std::stod(value);
            options.cpuTime = true;
        } else if (flag == "--iterations") {
            options.iterations = std::stoi(value);
        } else if (flag == "--network") {
            options.network = value;
        } else if (flag == "--variants") {
            options.variants = split(value, ',');
        } else if (flag == "--pairs") {
            options.pairs = split(value, ',');
        } else if (flag == "--out") {
            options.out = value;
        } else {
            throw std::runtime_error("Unknown option " + flag + " (see the comment in main.cpp)");
        }
    }
    for (const std::string& name : options.variants) {
        if (!variants().count(name)) {
            throw std::runtime_error("Unknown variant " + name);
        }
    }
    return options;
}

std::filesystem::path weightsFor(const Options& options) {
    return options.shared / "weights" /
           (options.network == "vgg" ? "vgg19-conv1_1-conv3_4.safetensors"
                                     : "squeezenet1_1-features.safetensors");
}

double processCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

Image picture(const Options& options, const std::string& name) {
    ImageLoadOptions load;
    load.maxSide = 1024;
    return loadImage(options.shared / "images" / (name + ".jpg"), load).image;
}

// Evaluates images in float32 with the default settings but `styleLoss`, for one photo and
// painting.
class Evaluator {
public:
    Evaluator(const Options& options, const Image& photo, const Image& painting, StyleLoss loss)
        : session_(loadModel(weightsFor(options)), DevicePreference::Cpu) {
        StyleSettings settings;
        settings.outputSize = options.size;
        settings.precision = Precision::Float32;
        settings.coarseToFine = false;
        settings.styleLoss = loss;
        session_.setContent(photo);
        session_.setStyles({painting});
        session_.applySettings(settings);
    }

    LossBreakdown losses(const Image& image) {
        session_.setCurrentImage(image);
        session_.prepare();
        return session_.settle();
    }

private:
    StyleSession session_;
};

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options options = parseOptions(argc, argv);
        std::filesystem::create_directories(options.out);
        if (options.cpuTime) {
            std::printf("Each variant: %g s of CPU time on one thread (the seconds column)\n\n",
                        options.seconds);
        }
        std::printf(
            "| network | photo | painting | variant | iterations | seconds | content | "
            "style (Gram) | style (W2) | sky speckle / painting's | border change ratio | "
            "border darkening |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (const std::string& pair : options.pairs) {
            const std::vector<std::string> names = split(pair, ':');
            const Image photo = picture(options, names.at(0));
            const Image painting = picture(options, names.at(1));
            Evaluator gram(options, photo, painting, StyleLoss::Gram);
            Evaluator wasserstein(options, photo, painting, StyleLoss::Wasserstein);
            const double paintingShare =
                highFrequencyShare(resizeToMaxSide(painting, options.size));
            for (const std::string& variantName : options.variants) {
                const LookVariant& variant = variants().at(variantName);
                LoadedModel model = loadModel(weightsFor(options));
                model.network->setEdgeRepeated(variant.edgeRepeated);
                StyleSession session(std::move(model), DevicePreference::Cpu);
                StyleSettings settings;
                settings.outputSize = options.size;
                variant.adjust(settings);
                if (options.cpuTime) {
                    settings.threads = 1;  // CPU time on more threads counts their spin-waiting
                }
                session.setContent(photo);
                session.setStyles({painting});
                session.applySettings(settings);
                // A known length is the run's budget, as the CLI's --iterations is.
                session.setIterationBudget(options.iterations);
                const auto start = std::chrono::steady_clock::now();
                const double cpuStart = processCpuSeconds();
                auto elapsed = [&] {
                    return options.cpuTime ? processCpuSeconds() - cpuStart
                                           : std::chrono::duration<double>(
                                                 std::chrono::steady_clock::now() - start)
                                                 .count();
                };
                while (options.iterations > 0 ? session.iteration() < options.iterations
                                              : elapsed() < options.seconds) {
                    session.step();
                }
                const double seconds = elapsed();
                session.settle();
                const Image result = session.currentImage();
                const std::string stem = options.network + "-" + names[0] + "-" + names[1] + "-" +
                                         variantName + "-" + std::to_string(options.size);
                exportPng(options.out / (stem + ".png"), result);
                const LossBreakdown byGram = gram.losses(result);
                const LossBreakdown byWasserstein = wasserstein.losses(result);
                const Image photoAtSize = resizeTo(photo, result.width(), result.height());
                const BorderMeasures border = borderMeasures(result, photoAtSize);
                const double speckle = highFrequencyShare(result, skyOf(names[0])) / paintingShare;
                std::printf(
                    "| %s | %s | %s | %s | %d | %.1f | %.3f | %.3f | %.3f | %.3f | %.2f | %.4f |\n",
                    options.network.c_str(), names[0].c_str(), names[1].c_str(),
                    variantName.c_str(), session.iteration(), seconds, byGram.content, byGram.style,
                    byWasserstein.style, speckle, border.changeRatio, border.darkening);
                std::fflush(stdout);
            }
        }
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-look: %s\n", error.what());
        return 1;
    }
}

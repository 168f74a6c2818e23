#include "app/cli/NeuralStyleFlags.h"

#include <QStringList>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/Error.h"
#include "core/common/Text.h"
#include "core/model/ComputeDevice.h"
#include "core/registry/ModelRegistry.h"
#include "core/settings/SmoothnessScale.h"

namespace impasto::cli {

namespace {

// neural_style.lua's defaults, the anchors of the conversions.
constexpr double kNeuralStyleContentWeight = 5.0;
constexpr double kNeuralStyleStyleWeight = 100.0;
// His images are 0-1 times 256, less the mean pixel.
constexpr double kNeuralStyleImageScale = 256.0;

double number(const QCommandLineParser& parser, const QCommandLineOption& option) {
    const QString flag = "-" + option.names().constLast();
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < 0.0) {
        throw Error(flag.toStdString() + " expects a number of at least 0, not \"" +
                    parser.value(option).toStdString() + "\"");
    }
    return value;
}

int integer(const QCommandLineParser& parser, const QCommandLineOption& option, int minimum) {
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < minimum) {
        throw Error("-" + option.names().constLast().toStdString() +
                    " expects a whole number of at least " + std::to_string(minimum) + ", not \"" +
                    parser.value(option).toStdString() + "\"");
    }
    return value;
}

// "-backend cudnn" as the user wrote it, for the line naming what was ignored.
std::string given(const QCommandLineParser& parser, const QCommandLineOption& option) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "-" + name.
    std::string text(1, '-');
    text += option.names().constLast().toStdString();
    if (!option.valueName().isEmpty()) {
        text += ' ';
        text += parser.value(option).toStdString();
    }
    return text;
}

// Restricts CUDA to GPU `index` (of those already visible, when CUDA_VISIBLE_DEVICES is set)
// before anything starts CUDA, so that "cuda" means that GPU.
void selectCudaDevice(int index) {
    std::string visible = std::to_string(index);
    if (const char* current = std::getenv("CUDA_VISIBLE_DEVICES")) {
        const QStringList listed = QString(current).split(',', Qt::SkipEmptyParts);
        if (index >= listed.size()) {
            throw Error("-gpu " + std::to_string(index) + ": CUDA_VISIBLE_DEVICES=" + current +
                        " makes only " + std::to_string(listed.size()) + " GPUs visible");
        }
        visible = listed[index].trimmed().toStdString();
    }
    ::setenv("CUDA_VISIBLE_DEVICES", visible.c_str(), 1);
}

// What -model_file names: the file when it exists, else the registered model of that file name
// (neural-style's models/VGG_ILSVRC_19_layers.caffemodel is the registry's vgg19), which is then
// looked up where Impasto keeps its models.
std::string modelForFile(const std::string& file) {
    std::error_code error;
    if (std::filesystem::exists(file, error)) {
        return file;
    }
    const std::string fileName = std::filesystem::path(file).filename().string();
    const ModelRegistry registry = ModelRegistry::loadBuiltIn();
    for (const RegisteredModel& model : registry.models()) {
        if (model.fileName == fileName) {
            std::fprintf(stderr, "-model_file %s does not exist: using the registered model %s\n",
                         file.c_str(), model.name.c_str());
            return model.name;
        }
    }
    return file;  // chooseModelOrFile says that it exists neither as a file nor as a model
}

}  // namespace

double contentWeightFromNeuralStyle(double weight) {
    return weight * StyleSettings{}.contentWeight / kNeuralStyleContentWeight;
}

double styleWeightFromNeuralStyle(double weight) {
    return weight * StyleSettings{}.styleWeight / kNeuralStyleStyleWeight;
}

double learningRateFromNeuralStyle(double rate) {
    return rate / kNeuralStyleImageScale;
}

NeuralStyleFlags::NeuralStyleFlags()
    : styleImage_(QStringList{"style_image"},
                  "neural-style: style images as a comma-separated list (a.jpg,b.jpg).", "FILES"),
      initImage_(QStringList{"init_image"}, "neural-style: the image to start from.", "FILE"),
      contentWeight_(QStringList{"content_weight"},
                     "neural-style's content weight (default 5), converted: W/5 x Impasto's "
                     "default --content-weight.",
                     "W"),
      styleWeight_(QStringList{"style_weight"},
                   "neural-style's style weight (default 100), converted: W/100 x Impasto's "
                   "default --style-weight.",
                   "W"),
      tvWeight_(QStringList{"tv_weight"},
                "neural-style's TV weight (default 1e-3), converted onto --tv-weight's scale.",
                "W"),
      learningRate_(QStringList{"learning_rate"},
                    "neural-style's Adam learning rate (default 10), on images of 0-255 levels: "
                    "divided by 256 for Impasto's 0-1 scale. Ignored with L-BFGS, as there.",
                    "RATE"),
      originalColors_(QStringList{"original_colors"},
                      "neural-style: 1 keeps the photo's colours (as --preserve-colors), 0 not.",
                      "0|1"),
      normalizeGradients_(QStringList{"normalize-gradients", "normalize_gradients"},
                          "Scale each loss layer's gradient to unit L1 norm before its weight "
                          "applies (neural-style's -normalize_gradients; often helps Adam)."),
      lbfgsHistory_(QStringList{"lbfgs-history", "lbfgs_num_correction"},
                    "Steps L-BFGS remembers (neural-style's -lbfgs_num_correction). Default: 0, "
                    "automatic (10, fewer for very large images).",
                    "N"),
      gpu_(QStringList{"gpu"},
           "neural-style: -1 runs on the CPU, N on CUDA device N (the CPU, with a message, where "
           "this LibTorch has no CUDA).",
           "N"),
      modelFile_(QStringList{"model_file"},
                 "neural-style: the .caffemodel (or .safetensors) file; a missing file named like "
                 "a registry model's (VGG_ILSVRC_19_layers.caffemodel) means that model.",
                 "FILE"),
      protoFile_(QStringList{"proto_file"},
                 "neural-style: ignored, as the network is recognised from the weight file.",
                 "FILE"),
      backend_(QStringList{"backend"},
               "neural-style: on a CUDA GPU, nn runs without cuDNN, cudnn with it (the default); "
               "clnn (OpenCL) is ignored.",
               "nn|cudnn|clnn"),
      cudnnAutotune_(QStringList{"cudnn_autotune"},
                     "neural-style: with -backend cudnn, let cuDNN time its algorithms (Impasto "
                     "does by default without -backend)."),
      multigpuStrategy_(QStringList{"multigpu_strategy"},
                        "neural-style: ignored (one device per run).", "INDICES") {}

QList<QCommandLineOption> NeuralStyleFlags::options() const {
    return {styleImage_,   initImage_,     contentWeight_,   styleWeight_,
            tvWeight_,     learningRate_,  originalColors_,  normalizeGradients_,
            lbfgsHistory_, gpu_,           modelFile_,       protoFile_,
            backend_,      cudnnAutotune_, multigpuStrategy_};
}

void NeuralStyleFlags::applyStyleImages(const QCommandLineParser& parser,
                                        CliOptions& options) const {
    for (const QString& value : parser.values(styleImage_)) {
        // A file whose name holds a comma is still one file.
        std::error_code error;
        if (std::filesystem::exists(value.toStdString(), error)) {
            options.styleFiles.push_back(value.toStdString());
            continue;
        }
        for (const QString& file : value.split(',', Qt::SkipEmptyParts)) {
            options.styleFiles.push_back(file.trimmed().toStdString());
        }
    }
}

void NeuralStyleFlags::applyInitImage(const QCommandLineParser& parser, CliOptions& options) const {
    if (!parser.isSet(initImage_)) {
        return;
    }
    if (options.settings.init == InitKind::Noise && parser.isSet("init")) {
        std::fprintf(stderr, "-init_image is ignored with -init %s, as in neural-style\n",
                     qPrintable(parser.value("init")));
        return;
    }
    options.settings.init = InitKind::Image;
    options.initFile = parser.value(initImage_).toStdString();
}

void NeuralStyleFlags::applySettings(const QCommandLineParser& parser, CliOptions& options) const {
    StyleSettings& s = options.settings;
    std::vector<std::string> ignored;
    if (parser.isSet(contentWeight_)) {
        s.contentWeight = contentWeightFromNeuralStyle(number(parser, contentWeight_));
    }
    if (parser.isSet(styleWeight_)) {
        s.styleWeight = styleWeightFromNeuralStyle(number(parser, styleWeight_));
    }
    if (parser.isSet(tvWeight_)) {
        s.tvWeight = tvWeightFromNeuralStyle(number(parser, tvWeight_));
    }
    if (parser.isSet(learningRate_)) {
        const double rate = number(parser, learningRate_);
        if (s.optimizer == OptimizerKind::Adam) {
            if (rate <= 0.0) {
                throw Error("-learning_rate must be above 0");
            }
            s.learningRate = learningRateFromNeuralStyle(rate);
        } else {
            ignored.push_back(given(parser, learningRate_) + " (Adam's; use --learning-rate)");
        }
    }
    if (parser.isSet(originalColors_)) {
        const QString value = parser.value(originalColors_);
        if (value != "0" && value != "1") {
            throw Error("-original_colors expects 0 or 1, not \"" + value.toStdString() + "\"");
        }
        s.preserveColors = value == "1";
    }
    if (parser.isSet(normalizeGradients_)) {
        s.normalizeGradients = true;
    }
    if (parser.isSet(lbfgsHistory_)) {
        s.lbfgsHistory = integer(parser, lbfgsHistory_, 0);
    }
    if (parser.isSet(gpu_)) {
        // "0,1" (several GPUs in neural-style) runs on the first.
        const QString first = parser.value(gpu_).section(',', 0, 0);
        bool ok = false;
        const int index = first.toInt(&ok);
        if (!ok || index < -1) {
            throw Error("-gpu expects -1 (the CPU) or a GPU number, not \"" +
                        parser.value(gpu_).toStdString() + "\"");
        }
        if (index < 0) {
            options.device = DevicePreference::Cpu;
        } else {
            selectCudaDevice(index);
            if (cudaAvailable()) {
                options.device = DevicePreference::Cuda;
            } else {
                std::fprintf(stderr,
                             "-gpu %d: this LibTorch has no CUDA or sees no GPU; running on the "
                             "CPU\n",
                             index);
                options.device = DevicePreference::Cpu;
            }
        }
    }
    if (parser.isSet(modelFile_)) {
        options.model = modelForFile(parser.value(modelFile_).toStdString());
    }
    const std::string backend = parser.value(backend_).toStdString();
    options.cudnn = cudnnUseFromNeuralStyle(backend, parser.isSet(cudnnAutotune_));
    std::vector<std::string> cudaOnly;
    for (const QCommandLineOption* option : {&backend_, &cudnnAutotune_}) {
        if (parser.isSet(*option) && backend != "clnn") {
            cudaOnly.push_back(given(parser, *option));
        }
    }
    if (!cudaOnly.empty() && (options.device == DevicePreference::Cpu || !cudaAvailable())) {
        std::fprintf(
            stderr, "%s only on a CUDA GPU; this run is on the CPU\n",
            (join(cudaOnly, " and ") + (cudaOnly.size() == 1 ? " applies" : " apply")).c_str());
    }
    for (const QCommandLineOption* option : {&protoFile_, &backend_, &multigpuStrategy_}) {
        if (parser.isSet(*option) && (option != &backend_ || backend == "clnn")) {
            ignored.push_back(given(parser, *option));
        }
    }
    if (!ignored.empty()) {
        std::fprintf(stderr, "Ignored, as they mean nothing here: %s\n",
                     join(ignored, ", ").c_str());
    }
}

}  // namespace impasto::cli

#include "app/cli/CliOptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStringList>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "app/cli/FastStyleFlags.h"
#include "app/cli/MaskFlags.h"
#include "app/cli/NeuralStyleFlags.h"
#include "core/common/Error.h"
#include "core/image/EmbeddedMasks.h"
#include "core/image/ImageExport.h"
#include "core/image/RecipeFile.h"
#include "core/settings/SettingNames.h"

namespace impasto::cli {

double toNumber(const QString& text, const QString& flag) {
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value)) {
        throw Error("--" + flag.toStdString() + " expects a number, not \"" + text.toStdString() +
                    "\"");
    }
    return value;
}

int toInteger(const QString& text, const QString& flag, int minimum) {
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < minimum) {
        throw Error("--" + flag.toStdString() + " expects a whole number of at least " +
                    std::to_string(minimum) + ", not \"" + text.toStdString() + "\"");
    }
    return value;
}

namespace {

QCommandLineOption option(const QStringList& names, const QString& help,
                          const QString& valueName = {}, const QString& defaultValue = {}) {
    return QCommandLineOption(names, help, valueName, defaultValue);
}

// The image a preset's run started from, when it is there to start from again.
std::optional<std::string> presetStart(const RunInputs& inputs) {
    if (!inputs.initImage) {
        return std::nullopt;  // written before recipes named it
    }
    std::error_code error;
    if (!std::filesystem::is_regular_file(*inputs.initImage, error)) {
        throw Error("The preset starts from " + *inputs.initImage +
                    ", which is no longer there: name the image to start from with --init FILE");
    }
    return inputs.initImage;
}

// "800M", "1.5G": binary megabytes or gigabytes.
uint64_t toByteCount(const QString& text, const QString& flag) {
    const QString unit = text.right(1).toUpper();
    const double scale = unit == "M" ? double(1 << 20) : unit == "G" ? double(1 << 30) : 0.0;
    bool ok = false;
    const double count = text.chopped(text.isEmpty() ? 0 : 1).toDouble(&ok);
    // Below 16 MiB nothing runs; above 2^50 bytes is no limit any machine has.
    if (scale == 0.0 || !ok || !(count * scale >= double(16 << 20)) ||
        count * scale > std::ldexp(1.0, 50)) {
        throw Error("--" + flag.toStdString() +
                    " expects a size of at least 16M in M (MiB) or G (GiB), e.g. 800M or 6G, "
                    "not \"" +
                    text.toStdString() + "\"");
    }
    return static_cast<uint64_t>(count * scale);
}

std::vector<double> toNumberList(const QString& text, const QString& flag) {
    std::vector<double> numbers;
    for (const QString& item : text.split(',', Qt::SkipEmptyParts)) {
        numbers.push_back(toNumber(item.trimmed(), flag));
    }
    return numbers;
}

// The value of --optimizer, --pooling or --precision (names from SettingNames.h, aliases
// included).
template <typename Enum>
Enum choiceOption(const QString& text, const std::string& flag) {
    const std::optional<Enum> choice = parseChoice<Enum>(text.toStdString(), Aliases::Accepted);
    if (!choice) {
        throw Error("--" + flag + " must be one of " + choiceList<Enum>() + ", not \"" +
                    text.toStdString() + "\"");
    }
    return *choice;
}

// File names are bytes on Linux and need not be UTF-8 (a Latin-1 name from an old disk, say);
// QString would replace the bytes that are not. Such an argument (or the value after "=")
// reaches Qt's parser as a stand-in, and bytes() gives the stand-in's own bytes back.
class ArgumentBytes {
public:
    QString toQt(const std::string& argument) {
        const QString text = QString::fromStdString(argument);
        if (text.toStdString() == argument) {
            return text;
        }
        const size_t equals = argument.find('=');
        if (argument.starts_with('-') && equals != std::string::npos) {
            return QString::fromStdString(argument.substr(0, equals + 1)) +
                   standIn(argument.substr(equals + 1));
        }
        return standIn(argument);
    }
    std::string bytes(const QString& value) const {
        const auto found = standIns_.find(value);
        return found != standIns_.end() ? found->second : value.toStdString();
    }

private:
    QString standIn(const std::string& bytes) {
        // Invisible separators around a number: nothing a user types.
        const QString name = QStringLiteral("\u2063argument %1\u2063").arg(standIns_.size());
        standIns_[name] = bytes;
        return name;
    }
    std::map<QString, std::string> standIns_;
};

}  // namespace

std::optional<CliOptions> parseCommandLine(const std::vector<std::string>& arguments) {
    const StyleSettings defaults;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Impasto: neural style transfer (Gatys et al.) from the command line.\n"
        "Paints the content photo in the manner of the style images and writes a PNG.\n\n"
        "Example:\n  impasto-cli --content photo.jpg --style starry_night.jpg --size 512 "
        "--output out.png");
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const auto help = parser.addHelpOption();
    const auto version = parser.addVersionOption();

    const QCommandLineOption content = option(
        {"c", "content", "content_image"},
        "The photo to repaint. Leave it out for texture synthesis (the style alone). Repeat it, "
        "or name a folder (its images, by name), to paint several photos into --output-dir.",
        "FILE|FOLDER");
    const QCommandLineOption outputDir =
        option({"output-dir"},
               "Where a batch writes its results (created if missing), each named after its "
               "photo: PHOTO-impasto.png.",
               "FOLDER");
    const QCommandLineOption style =
        option({"s", "style"},
               "A style image (painting). Repeat for several styles. Leave it out for feature "
               "inversion (the content alone).",
               "FILE");
    const QCommandLineOption preset =
        option({"preset"},
               "Start from the settings in a preset: JSON, as the desktop app saves them, or a "
               "PNG, JPEG or TIFF Impasto exported, whose photo, paintings and iteration count "
               "are used too unless given here, and its masks unless a mask flag is. The "
               "options given here override it.",
               "FILE.json|FILE.png");
    const QCommandLineOption styleBlend =
        option({"style-blend", "style_blend_weights"},
               "Blend weights of the style images, one per --style, e.g. 3,1 (default: equal).",
               "W1,W2,...");
    const QCommandLineOption output =
        option({"o", "output", "output_image"},
               "Where to write the result: PNG, JPEG (.jpg) or TIFF (.tif, 16 bits), by the "
               "extension. Default: out.png.",
               "FILE", "out.png");
    const QCommandLineOption size =
        option({"size", "image_size"}, "Longest side of the result in pixels. Default: 512.", "PX",
               QString::number(defaults.outputSize));
    const QCommandLineOption iterations = option({"n", "iterations", "num_iterations"},
                                                 "Optimizer iterations. Default: 300.", "N", "300");
    const QCommandLineOption model =
        option({"m", "model"},
               "A registry model name (see --list-models) or a weight file (.safetensors or "
               ".caffemodel). Default: auto, the best installed model.",
               "NAME|FILE", "auto");
    const QCommandLineOption contentWeight =
        option({"content-weight"},
               "How much the result keeps the photo's structure. Default: " +
                   QString::number(defaults.contentWeight) + ".",
               "W", QString::number(defaults.contentWeight));
    const QCommandLineOption styleWeight = option({"style-weight"},
                                                  "How strongly the style is applied. Default: " +
                                                      QString::number(defaults.styleWeight) + ".",
                                                  "W", QString::number(defaults.styleWeight));
    const QCommandLineOption tvWeight =
        option({"tv-weight"},
               "Smoothness (total variation): 0 none, 0.1 a light cleanup of speckle, 1 smooth, "
               "10 very smooth (fine texture gone). Default: " +
                   QString::number(defaults.tvWeight) + ".",
               "W", QString::number(defaults.tvWeight));
    const QCommandLineOption contentLayers =
        option({"content-layers", "content_layers"},
               "Layers compared for content, as name or name:weight, comma-separated "
               "(default: the model's, e.g. relu4_2 for VGG, fire6 for SqueezeNet).",
               "LAYERS");
    const QCommandLineOption styleLayers =
        option({"style-layers", "style_layers"},
               "Layers whose Gram matrices define the style, as name or name:weight (default: the "
               "model's, e.g. relu1_1,relu2_1,relu3_1,relu4_1,relu5_1 for VGG).",
               "LAYERS");
    const QCommandLineOption optimizer = option(
        {"optimizer"}, "lbfgs (sharp, fast convergence) or adam (less memory). Default: lbfgs.",
        "NAME", "lbfgs");
    const QCommandLineOption learningRate =
        option({"learning-rate"},
               "Optimizer step size, in the image's value range 0-1: Adam moves each pixel by "
               "about this much per step at first; L-BFGS scales its step by it. Halved when "
               "steps overshoot. Default: 1 for lbfgs, 0.02 for adam.",
               "RATE");
    const QCommandLineOption init =
        option({"init"},
               "Starting image: content, noise or an image FILE; neural-style's random (noise) "
               "and image (the photo, or -init_image's) too. Default: content.",
               "content|noise|FILE", "content");
    const QCommandLineOption pooling =
        option({"pooling"}, "Pooling in the network: max or avg (smoother). Default: max.",
               "max|avg", "max");
    const QCommandLineOption styleScale =
        option({"style-scale", "style_scale"},
               "Scale of the style images relative to the output; larger shows the network the "
               "painting's fine brushwork (finer marks in the result), smaller its large "
               "motifs. Default: 1.",
               "S", "1");
    const QCommandLineOption preserveColors =
        option({"preserve-colors"}, "Keep the photo's colours (transfer luminance only).");
    const QCommandLineOption noCoarseToFine =
        option({"no-coarse-to-fine"},
               "Optimise at the full size from the first iteration (by default outputs above "
               "512 px start at half size or less and are refined at full size).");
    const QCommandLineOption seed =
        option({"seed"}, "Random seed for noise; -1 picks one at random. Default: 0.", "N", "0");
    const QCommandLineOption device =
        option({"device"}, "auto, cpu or cuda. Default: auto (CUDA when available).",
               "auto|cpu|cuda", "auto");
    const QCommandLineOption precision =
        option({"precision"},
               "Number format of the network's convolutions: float32, bfloat16 (several times "
               "faster on processors with bfloat16 units, such as AMX or AVX512-BF16) or auto "
               "(bfloat16 where a short measurement, cached per machine, finds it faster). "
               "Default: auto.",
               "auto|float32|bfloat16");
    const QCommandLineOption saveEvery = option(
        {"save-every", "save_iter"},
        "Also write the image every N iterations (OUTPUT_<iteration>.png). Default: 0 (off).", "N",
        "0");
    const QCommandLineOption printEvery =
        option({"print-every", "print_iter"},
               "Print the losses every N iterations (0: never). Default: 50.", "N", "50");
    const QCommandLineOption bitDepth =
        option({"bit-depth"}, "Bits per channel, 8 or 16 (JPEG: 8). Default: 8, TIFF 16.", "8|16");
    const QCommandLineOption report =
        option({"report"}, "Write per-iteration losses and elapsed seconds as JSON.", "FILE.json");
    const QCommandLineOption downloadModel =
        option({"download-model"},
               "Download a registry model into your data folder (with resume) and exit.", "NAME");
    const QCommandLineOption registryFile =
        option({"registry"},
               "Use this model registry (manifest JSON) instead of the built-in one; the "
               "IMPASTO_REGISTRY environment variable does the same.",
               "FILE");
    const QCommandLineOption listModels =
        option({"list-models"}, "List the registry's models, where they are installed, and exit.");

    parser.addOptions({content,       style,         preset,      styleBlend,     output,
                       size,          iterations,    model,       contentWeight,  styleWeight,
                       tvWeight,      contentLayers, styleLayers, optimizer,      learningRate,
                       init,          pooling,       styleScale,  preserveColors, seed,
                       device,        saveEvery,     printEvery,  bitDepth,       report,
                       downloadModel, listModels});
    parser.addOption(noCoarseToFine);
    const QCommandLineOption styleLoss =
        option({"style-loss"},
               "What the style layers match: gram (Gram matrices, Gatys et al.) or wasserstein "
               "(mean and covariance, closer to the painting's colour and contrast). Default: "
               "gram.",
               "gram|wasserstein");
    const QCommandLineOption averageDecay =
        option({"avg-decay"},
               "Show and write the moving average of the iterations with this decay, 0 to below "
               "1 (0: the last iteration); smooths the speckle of the last steps away. "
               "Default: " +
                   QString::number(defaults.averageDecay) + ".",
               "D");
    const QCommandLineOption minScale =
        option({"min-scale"},
               "Start coarse-to-fine at the smallest halving of --size whose longest side is at "
               "least PX, for larger brush structure (default: automatic, from 257-512 px, "
               "only above 512 px).",
               "PX");
    const QCommandLineOption initialIterations =
        option({"initial-iterations"},
               "Iterations at the coarsest coarse-to-fine stage (default: that of "
               "--scale-iterations, else automatic).",
               "N");
    const QCommandLineOption scaleIterations =
        option({"scale-iterations"},
               "Iterations at each coarse-to-fine stage after the first; with this or "
               "--initial-iterations the run's length is their sum unless --iterations is "
               "given (default: automatic, see --iterations).",
               "N");
    parser.addOptions({styleLoss, averageDecay, minScale, initialIterations, scaleIterations});
    parser.addOption(precision);
    const NeuralStyleFlags neuralStyle;
    parser.addOptions(neuralStyle.options());
    parser.addOption(registryFile);
    const QCommandLineOption threads =
        option({"threads"},
               "CPU threads: a count, or auto (0), which gives the run every core that other "
               "programs leave free and follows their load as it runs. Default: auto.",
               "N|auto");
    parser.addOption(threads);
    const QCommandLineOption tile =
        option({"tile"},
               "Evaluate the loss in tiles of PX px a side, which bounds memory by the tile "
               "whatever the output size, with the same result (slower: each tile runs twice "
               "with an overlap); 0 never tiles. Default: auto, tiles only a stage that would "
               "not fit in the memory available (--memory-limit counts). --fast-style tiles "
               "its full-resolution layers the same way, with the whole picture's statistics.",
               "PX|0|auto");
    parser.addOption(tile);
    const QCommandLineOption memoryLimit =
        option({"memory-limit"},
               "The most memory the network's tensors may hold at once, in MiB (M) or GiB (G), "
               "e.g. 6G: a run that would need more stops with an out-of-memory error and "
               "writes its partial result. Default: none (the system's memory).",
               "SIZE");
    parser.addOption(memoryLimit);
    parser.addOption(outputDir);
    const FastStyleFlags fastStyle;
    parser.addOptions(fastStyle.options());
    const MaskFlags masks;
    parser.addOptions(masks.options());

    ArgumentBytes argumentBytes;
    QStringList qtArguments;
    for (const std::string& argument : arguments) {
        qtArguments << argumentBytes.toQt(argument);
    }
    const auto file = [&](const QCommandLineOption& option) {
        return argumentBytes.bytes(parser.value(option));
    };
    if (!parser.parse(qtArguments)) {
        // Qt ends its message with a full stop.
        QString message = parser.errorText();
        if (message.endsWith('.'))
            message.chop(1);
        throw Error(message.toStdString() + " (see --help)");
    }
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return std::nullopt;
    }
    if (parser.isSet(version)) {
        std::printf("%s %s\n", qPrintable(QCoreApplication::applicationName()),
                    qPrintable(QCoreApplication::applicationVersion()));
        return std::nullopt;
    }
    // An option that takes one value, given twice, would silently lose the first (a mistake, or
    // a command line edited in haste): only the style images may repeat.
    for (const QString& name : parser.optionNames()) {
        const QStringList values = parser.values(name);
        if (values.size() > 1 && !style.names().contains(name) && name != "style_image" &&
            !content.names().contains(name) && !masks.repeats(name)) {
            throw Error("--" + name.toStdString() + " is given " + std::to_string(values.size()) +
                        " times (" + values.join(", ").toStdString() + "): give it once");
        }
    }
    if (!parser.positionalArguments().isEmpty()) {
        throw Error("Unexpected argument \"" + parser.positionalArguments().first().toStdString() +
                    "\" (options start with --; see --help)");
    }

    if (parser.isSet(registryFile)) {
        // Read wherever the registry is (ModelRegistry::loadBuiltIn), from here on.
        ::setenv("IMPASTO_REGISTRY", qPrintable(parser.value(registryFile)), 1);
    }
    CliOptions options;
    if (parser.isSet(downloadModel)) {
        options.command = CliOptions::Command::DownloadModel;
        options.modelToDownload = parser.value(downloadModel).toStdString();
        return options;
    }
    if (parser.isSet(listModels)) {
        options.command = CliOptions::Command::ListModels;
        return options;
    }

    // An exported PNG names its inputs too; those given here come first.
    std::optional<Recipe> recipe;
    if (parser.isSet(preset)) {
        recipe = loadRecipe(file(preset));
    }
    for (const QString& value : parser.values(content)) {
        options.contentFiles.push_back(argumentBytes.bytes(value));
    }
    if (!options.contentFiles.empty()) {
        options.contentFile = options.contentFiles.front();
    } else if (recipe && recipe->inputs.content) {
        options.contentFile = recipe->inputs.content;
    }
    for (const QString& value : parser.values(style)) {
        options.styleFiles.push_back(argumentBytes.bytes(value));
    }
    neuralStyle.applyStyleImages(parser, options);
    if (options.styleFiles.empty() && recipe) {
        options.styleFiles = recipe->inputs.styles;
    }
    if (!options.contentFile && options.styleFiles.empty()) {
        throw Error("Give --content FILE, --style FILE or both (see --help)");
    }
    options.outputFile = file(output);
    if (parser.isSet(outputDir)) {
        options.outputDir = file(outputDir);
        if (parser.isSet(output) || parser.isSet(report)) {
            throw Error(
                "--output-dir names each result after its photo: leave out --output and "
                "--report");
        }
        if (options.contentFiles.empty()) {
            throw Error("--output-dir needs the photos: give --content FILE or FOLDER");
        }
    } else if (options.contentFiles.size() > 1) {
        throw Error("Several --content photos need --output-dir FOLDER for their results");
    } else if (options.contentFile && std::filesystem::is_directory(*options.contentFile)) {
        throw Error("--content " + *options.contentFile +
                    " is a folder: give --output-dir FOLDER for its results");
    }
    const std::optional<ImageFormat> format = imageFormatFor(options.outputFile);
    if (!format) {
        throw Error(
            "--output must end in .png, .jpg, .jpeg, .tif or .tiff (the format to write), "
            "not " +
            options.outputFile);
    }
    options.iterations = toInteger(parser.value(iterations), "iterations", 0);
    if (!parser.isSet(iterations) && recipe && recipe->inputs.iterations) {
        options.iterations = *recipe->inputs.iterations;
    }
    options.model = file(model);
    options.device = parseDevicePreference(parser.value(device).toStdString());
    options.saveEvery = toInteger(parser.value(saveEvery), "save-every", 0);
    options.printEvery = toInteger(parser.value(printEvery), "print-every", 0);
    if (parser.isSet(bitDepth)) {
        options.bitDepth = toInteger(parser.value(bitDepth), "bit-depth", 8);
        if (options.bitDepth != 8 && options.bitDepth != 16) {
            throw Error("--bit-depth must be 8 or 16");
        }
        if (options.bitDepth == 16 && format == ImageFormat::Jpeg) {
            throw Error("--bit-depth 16 needs a .png or .tif output: JPEG holds 8 bits");
        }
    }
    if (parser.isSet(report)) {
        options.reportFile = file(report);
    }

    // Settings come from the preset when there is one, else the defaults; each option given
    // overrides its setting.
    StyleSettings& s = options.settings;
    if (recipe) {
        s = recipe->settings;
    }
    if (parser.isSet(size)) {
        s.outputSize = toInteger(parser.value(size), "size", kMinimumOutputSize);
    }
    if (parser.isSet(contentWeight)) {
        s.contentWeight = toNumber(parser.value(contentWeight), "content-weight");
    }
    if (parser.isSet(styleWeight)) {
        s.styleWeight = toNumber(parser.value(styleWeight), "style-weight");
    }
    if (parser.isSet(tvWeight)) {
        s.tvWeight = toNumber(parser.value(tvWeight), "tv-weight");
    }
    if (parser.isSet(contentLayers)) {
        s.contentLayers = parseLayerWeights(parser.value(contentLayers).toStdString());
    }
    if (parser.isSet(styleLayers)) {
        s.styleLayers = parseLayerWeights(parser.value(styleLayers).toStdString());
    }
    if (parser.isSet(styleBlend)) {
        s.styleBlend = toNumberList(parser.value(styleBlend), "style-blend");
    }
    if (!s.styleBlend.empty() && s.styleBlend.size() != options.styleFiles.size()) {
        throw Error(
            std::string(parser.isSet(styleBlend) ? "--style-blend" : "The preset's styleBlend") +
            " needs one weight per --style: got " + std::to_string(s.styleBlend.size()) +
            " weights and " + std::to_string(options.styleFiles.size()) + " --style");
    }
    if (parser.isSet(optimizer)) {
        s.optimizer = choiceOption<OptimizerKind>(parser.value(optimizer), "optimizer");
    }
    if (parser.isSet(learningRate)) {
        s.learningRate = toNumber(parser.value(learningRate), "learning-rate");
        if (s.learningRate <= 0.0) {
            throw Error("--learning-rate must be above 0");
        }
    }
    options.initChosen = parser.isSet(init) || recipe.has_value();
    if (parser.isSet(init)) {
        // Anything but content or noise names the image to start from.
        const std::string initValue = file(init);
        const std::optional<InitKind> kind = parseChoice<InitKind>(initValue, Aliases::Accepted);
        if (kind == InitKind::Image) {
            s.init = InitKind::Content;  // neural-style's "image": the photo, or -init_image's
        } else if (kind) {
            s.init = *kind;
        } else {
            s.init = InitKind::Image;
            options.initFile = initValue;
        }
    }
    neuralStyle.applyInitImage(parser, options);
    if (s.init == InitKind::Image && !options.initFile && recipe) {
        options.initFile = presetStart(recipe->inputs);
        options.initIsFastStyle = recipe->inputs.initIsFastStyle;
        if (options.initIsFastStyle && !options.contentFile) {
            throw Error("The preset starts from the fast style " + *options.initFile +
                        " on the photo: give the photo with --content FILE");
        }
    }
    if (s.init == InitKind::Image && !options.initFile) {
        // A preset records that the run started from an image, not which one.
        throw Error("The preset starts from an image: name it with --init FILE");
    }
    if (parser.isSet(pooling)) {
        s.pooling = choiceOption<PoolingMode>(parser.value(pooling), "pooling");
    }
    if (parser.isSet(styleScale)) {
        s.styleScale = toNumber(parser.value(styleScale), "style-scale");
    }
    if (parser.isSet(preserveColors)) {
        s.preserveColors = true;
    }
    if (parser.isSet(noCoarseToFine)) {
        s.coarseToFine = false;
    }
    if (parser.isSet(threads)) {
        s.threads =
            parser.value(threads) == "auto" ? 0 : toInteger(parser.value(threads), "threads", 0);
    }
    if (parser.isSet(tile)) {
        s.tile = parser.value(tile) == "auto" ? -1 : toInteger(parser.value(tile), "tile", 0);
    }
    if (parser.isSet(memoryLimit)) {
        options.memoryLimit = toByteCount(parser.value(memoryLimit), "memory-limit");
    }
    if (parser.isSet(precision)) {
        s.precision = choiceOption<Precision>(parser.value(precision), "precision");
    }
    if (parser.isSet(styleLoss)) {
        s.styleLoss = choiceOption<StyleLoss>(parser.value(styleLoss), "style-loss");
    }
    if (parser.isSet(averageDecay)) {
        s.averageDecay = toNumber(parser.value(averageDecay), "avg-decay");
    }
    if (parser.isSet(minScale)) {
        s.minScale = toInteger(parser.value(minScale), "min-scale", kMinimumOutputSize);
    }
    if (parser.isSet(initialIterations)) {
        s.initialIterations = toInteger(parser.value(initialIterations), "initial-iterations", 1);
    }
    if (parser.isSet(scaleIterations)) {
        s.scaleIterations = toInteger(parser.value(scaleIterations), "scale-iterations", 1);
    }
    if (!s.coarseToFine && (s.minScale > 0 || s.initialIterations > 0)) {
        throw Error(
            "--min-scale and --initial-iterations set coarse-to-fine stages, which "
            "--no-coarse-to-fine turns off: leave one out");
    }
    options.iterationsFromStages =
        !parser.isSet(iterations) && (s.initialIterations > 0 || s.scaleIterations > 0);
    if (parser.value(seed) == "-1") {
        s.seed = std::random_device()();
        std::fprintf(stderr, "Seed %llu (-seed -1 picks one at random)\n",
                     static_cast<unsigned long long>(s.seed));
    } else if (parser.isSet(seed)) {
        bool seedOk = false;
        s.seed = parser.value(seed).toULongLong(&seedOk);
        if (!seedOk) {
            throw Error("--seed expects a whole number, not \"" + parser.value(seed).toStdString() +
                        "\"");
        }
    }
    neuralStyle.applySettings(parser, options);
    fastStyle.apply(parser, options);
    // An exported image carries its masks (core/image/EmbeddedMasks.h).
    const auto readPresetMasks = [&] {
        return recipe ? readEmbeddedMasks(file(preset)) : MaskSet{};
    };
    masks.apply(parser, options, readPresetMasks,
                recipe && options.styleFiles == recipe->inputs.styles);
    validate(s);
    return options;
}

}  // namespace impasto::cli

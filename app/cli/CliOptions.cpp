#include "app/cli/CliOptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStringList>

#include <cmath>
#include <cstdio>

#include "core/common/Error.h"
#include "core/image/RecipeFile.h"
#include "core/settings/SettingNames.h"

namespace impasto::cli {

namespace {

QCommandLineOption option(const QStringList& names, const QString& help,
                          const QString& valueName = {}, const QString& defaultValue = {}) {
    return QCommandLineOption(names, help, valueName, defaultValue);
}

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
        "The photo to repaint. Leave it out for texture synthesis (the style alone).", "FILE");
    const QCommandLineOption style =
        option({"s", "style", "style_image"},
               "A style image (painting). Repeat for several styles. Leave it out for feature "
               "inversion (the content alone).",
               "FILE");
    const QCommandLineOption preset =
        option({"preset"},
               "Start from the settings in a preset: JSON, as the desktop app saves them, or a "
               "PNG Impasto exported, whose photo, paintings and iteration count are used too "
               "unless given here. The options given here override it.",
               "FILE.json|FILE.png");
    const QCommandLineOption styleBlend =
        option({"style-blend", "style_blend_weights"},
               "Blend weights of the style images, one per --style, e.g. 3,1 (default: equal).",
               "W1,W2,...");
    const QCommandLineOption output =
        option({"o", "output", "output_image"},
               "Where to write the result (PNG). Default: out.png.", "FILE", "out.png");
    const QCommandLineOption size =
        option({"size", "image_size"}, "Longest side of the result in pixels. Default: 512.", "PX",
               QString::number(defaults.outputSize));
    const QCommandLineOption iterations = option({"n", "iterations", "num_iterations"},
                                                 "Optimizer iterations. Default: 300.", "N", "300");
    const QCommandLineOption model =
        option({"m", "model", "model_file"},
               "A registry model name (see --list-models) or a weight file (.safetensors or "
               ".caffemodel). Default: auto, the best installed model.",
               "NAME|FILE", "auto");
    const QCommandLineOption contentWeight =
        option({"content-weight", "content_weight"},
               "How much the result keeps the photo's structure. Default: " +
                   QString::number(defaults.contentWeight) + ".",
               "W", QString::number(defaults.contentWeight));
    const QCommandLineOption styleWeight = option({"style-weight", "style_weight"},
                                                  "How strongly the style is applied. Default: " +
                                                      QString::number(defaults.styleWeight) + ".",
                                                  "W", QString::number(defaults.styleWeight));
    const QCommandLineOption tvWeight =
        option({"tv-weight", "tv_weight"},
               "Smoothness (total variation); higher removes noise and fine texture. Default: " +
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
        option({"learning-rate", "learning_rate"},
               "Optimizer step size, in the image's value range 0-1: Adam moves each pixel by "
               "about this much per step at first; L-BFGS scales its step by it. Halved when "
               "steps overshoot. Default: 1 for lbfgs, 0.02 for adam.",
               "RATE");
    const QCommandLineOption init =
        option({"init"}, "Starting image: content, noise or an image FILE. Default: content.",
               "content|noise|FILE", "content");
    const QCommandLineOption pooling =
        option({"pooling"}, "Pooling in the network: max or avg (smoother). Default: max.",
               "max|avg", "max");
    const QCommandLineOption styleScale =
        option({"style-scale", "style_scale"},
               "Scale of the style images relative to the output; larger gives larger brush marks. "
               "Default: 1.",
               "S", "1");
    const QCommandLineOption preserveColors =
        option({"preserve-colors", "original_colors"},
               "Keep the photo's colours (transfer luminance only).");
    const QCommandLineOption noCoarseToFine =
        option({"no-coarse-to-fine"},
               "Optimise at the full size from the first iteration (by default outputs above "
               "512 px start at half size or less and are refined at full size).");
    const QCommandLineOption seed =
        option({"seed"}, "Random seed for noise. Default: 0.", "N", "0");
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
        option({"bit-depth"}, "PNG bit depth, 8 or 16. Default: 8.", "8|16", "8");
    const QCommandLineOption report =
        option({"report"}, "Write per-iteration losses and elapsed seconds as JSON.", "FILE.json");
    const QCommandLineOption downloadModel =
        option({"download-model"},
               "Download a registry model into your data folder (with resume) and exit.", "NAME");
    const QCommandLineOption listModels =
        option({"list-models"}, "List the registry's models, where they are installed, and exit.");

    parser.addOptions({content,       style,         preset,      styleBlend,     output,
                       size,          iterations,    model,       contentWeight,  styleWeight,
                       tvWeight,      contentLayers, styleLayers, optimizer,      learningRate,
                       init,          pooling,       styleScale,  preserveColors, seed,
                       device,        saveEvery,     printEvery,  bitDepth,       report,
                       downloadModel, listModels});
    parser.addOption(noCoarseToFine);
    parser.addOption(precision);

    QStringList qtArguments;
    for (const std::string& argument : arguments) {
        qtArguments << QString::fromStdString(argument);
    }
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
    if (!parser.positionalArguments().isEmpty()) {
        throw Error("Unexpected argument \"" + parser.positionalArguments().first().toStdString() +
                    "\" (options start with --; see --help)");
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
        recipe = loadRecipe(parser.value(preset).toStdString());
    }
    if (parser.isSet(content)) {
        options.contentFile = parser.value(content).toStdString();
    } else if (recipe && recipe->inputs.content) {
        options.contentFile = recipe->inputs.content;
    }
    for (const QString& file : parser.values(style)) {
        options.styleFiles.push_back(file.toStdString());
    }
    if (!parser.isSet(style) && recipe) {
        options.styleFiles = recipe->inputs.styles;
    }
    if (!options.contentFile && options.styleFiles.empty()) {
        throw Error("Give --content FILE, --style FILE or both (see --help)");
    }
    options.outputFile = parser.value(output).toStdString();
    if (!parser.value(output).endsWith(".png", Qt::CaseInsensitive)) {
        throw Error("--output must name a .png file (Impasto writes PNG), not " +
                    options.outputFile);
    }
    options.iterations = toInteger(parser.value(iterations), "iterations", 0);
    if (!parser.isSet(iterations) && recipe && recipe->inputs.iterations) {
        options.iterations = *recipe->inputs.iterations;
    }
    options.model = parser.value(model).toStdString();
    options.device = parseDevicePreference(parser.value(device).toStdString());
    options.saveEvery = toInteger(parser.value(saveEvery), "save-every", 0);
    options.printEvery = toInteger(parser.value(printEvery), "print-every", 0);
    options.bitDepth = toInteger(parser.value(bitDepth), "bit-depth", 8);
    if (options.bitDepth != 8 && options.bitDepth != 16) {
        throw Error("--bit-depth must be 8 or 16");
    }
    if (parser.isSet(report)) {
        options.reportFile = parser.value(report).toStdString();
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
    if (parser.isSet(init)) {
        // Anything but content or noise names the image to start from.
        const std::string initValue = parser.value(init).toStdString();
        const std::optional<InitKind> kind = parseChoice<InitKind>(initValue, Aliases::Accepted);
        if (kind && *kind != InitKind::Image) {
            s.init = *kind;
        } else {
            s.init = InitKind::Image;
            options.initFile = initValue;
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
    if (parser.isSet(precision)) {
        s.precision = choiceOption<Precision>(parser.value(precision), "precision");
    }
    if (parser.isSet(seed)) {
        bool seedOk = false;
        s.seed = parser.value(seed).toULongLong(&seedOk);
        if (!seedOk) {
            throw Error("--seed expects a whole number, not \"" + parser.value(seed).toStdString() +
                        "\"");
        }
    }
    validate(s);
    return options;
}

}  // namespace impasto::cli

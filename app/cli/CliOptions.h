#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <QString>

#include "core/image/MaskSet.h"
#include "core/model/ComputeDevice.h"
#include "core/model/CudnnUse.h"
#include "core/settings/StyleSettings.h"

namespace impasto::cli {

// What --train-style and --fast-style need beyond the usual options.
struct FastStyleOptions {
    std::string styleFile;  // the style to write (training) or to apply
    std::string photosFolder;
    int trainSize = 256;
    int batchSize = 4;
    int steps = 2000;
    double width = 0.5;
    bool sizeGiven = false;  // applying: --size scales the photo; else its own size
    int checkpointEvery = 100;
};

// What the command line asked for, checked and converted; no files opened yet.
struct CliOptions {
    enum class Command { Stylize, DownloadModel, ListModels, TrainStyle, FastStyle };

    Command command = Command::Stylize;
    std::string modelToDownload;

    std::optional<std::string> contentFile;
    // Every --content given (files or folders): more than one, a folder or --output-dir make a
    // batch (StylizeRun.h), whose runs each get one photo as contentFile.
    std::vector<std::string> contentFiles;
    std::optional<std::string> outputDir;
    std::vector<std::string> styleFiles;
    std::optional<std::string> initFile;  // --init FILE
    // initFile is a fast style: the start is its result on the photo (a preset's
    // "initFastStyle", SettingsJson.h's RunInputs).
    bool initIsFastStyle = false;
    // --style-mask and --style-source-mask: one per style file (nullopt: none) or empty;
    // --keep-mask (MaskFlags.h).
    std::vector<std::optional<std::string>> styleMaskFiles;
    std::vector<std::optional<std::string>> styleSourceMaskFiles;
    std::optional<std::string> keepMaskFile;
    // The masks an exported image given as --preset holds, for the kinds no flag gives.
    MaskSet storedMasks;
    // Whether --init (or a preset) named the start; otherwise feature inversion starts from noise.
    bool initChosen = false;
    std::string outputFile = "out.png";
    int iterations = 300;
    // No --iterations but iterations per coarse-to-fine stage: the run is as long as they add
    // up to (StyleSession::plannedIterations()).
    bool iterationsFromStages = false;
    std::string model = "auto";
    DevicePreference device = DevicePreference::Auto;
    CudnnUse cudnn;  // jcjohnson's -backend and -cudnn_autotune (NeuralStyleFlags.h)
    int saveEvery = 0;
    int printEvery = 50;
    int bitDepth = 0;  // 0: the output format's usual depth (ImageExport.h)
    std::optional<std::string> reportFile;
    uint64_t memoryLimit = 0;  // bytes the tensors may hold at once; 0: no limit of its own
    StyleSettings settings;
    // --train-style and --fast-style (FastStyleFlags.h).
    FastStyleOptions fast;
};

// A flag's value as a finite number, or as a whole number of at least `minimum`; throws
// impasto::Error naming --flag otherwise.
double toNumber(const QString& text, const QString& flag);
int toInteger(const QString& text, const QString& flag, int minimum);

// Parses argv. Prints --help / --version itself and returns nullopt for them; throws
// impasto::Error with a one-line message for anything invalid.
std::optional<CliOptions> parseCommandLine(const std::vector<std::string>& arguments);

}  // namespace impasto::cli

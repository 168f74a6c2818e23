#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/ComputeDevice.h"
#include "core/settings/StyleSettings.h"

namespace impasto::cli {

// What the command line asked for, checked and converted; no files opened yet.
struct CliOptions {
    enum class Command { Stylize, DownloadModel, ListModels };

    Command command = Command::Stylize;
    std::string modelToDownload;

    std::optional<std::string> contentFile;
    // Every --content given (files or folders): more than one, a folder or --output-dir make a
    // batch (StylizeRun.h), whose runs each get one photo as contentFile.
    std::vector<std::string> contentFiles;
    std::optional<std::string> outputDir;
    std::vector<std::string> styleFiles;
    std::optional<std::string> initFile;  // --init FILE
    // Whether --init (or a preset) named the start; otherwise feature inversion starts from noise.
    bool initChosen = false;
    std::string outputFile = "out.png";
    int iterations = 300;
    // No --iterations but iterations per coarse-to-fine stage: the run is as long as they add
    // up to (StyleSession::plannedIterations()).
    bool iterationsFromStages = false;
    std::string model = "auto";
    DevicePreference device = DevicePreference::Auto;
    int saveEvery = 0;
    int printEvery = 50;
    int bitDepth = 0;  // 0: the output format's usual depth (ImageExport.h)
    std::optional<std::string> reportFile;
    uint64_t memoryLimit = 0;  // bytes the tensors may hold at once; 0: no limit of its own
    StyleSettings settings;
};

// Parses argv. Prints --help / --version itself and returns nullopt for them; throws
// impasto::Error with a one-line message for anything invalid.
std::optional<CliOptions> parseCommandLine(const std::vector<std::string>& arguments);

}  // namespace impasto::cli

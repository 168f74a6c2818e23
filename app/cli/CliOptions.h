#pragma once

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
    std::vector<std::string> styleFiles;
    std::optional<std::string> initFile;  // --init FILE
    std::string outputFile = "out.png";
    int iterations = 300;
    std::string model = "auto";
    DevicePreference device = DevicePreference::Auto;
    int saveEvery = 0;
    int printEvery = 50;
    int bitDepth = 8;
    std::optional<std::string> reportFile;
    StyleSettings settings;
};

// Parses argv. Prints --help / --version itself and returns nullopt for them; throws
// impasto::Error with a one-line message for anything invalid.
std::optional<CliOptions> parseCommandLine(const std::vector<std::string>& arguments);

}  // namespace impasto::cli

#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace impasto::bench {

// What impasto-engine-check measures, at which sizes. The GPU set-up is the one the README
// reports; --cpu keeps the same measurements at sizes a 2-core machine runs in seconds, so
// that the test suite runs the whole program.
struct EngineCheckOptions {
    std::filesystem::path inputs;  // images.safetensors and the two shared weight files
    std::filesystem::path output;  // report.json and results.safetensors
    bool cpuOnly = false;

    int agreementSize = 256;
    std::vector<int> agreementIterations{1, 10, 100};
    std::vector<int> timingSizes{512, 1024};
    int timedIterations = 10;
    int lbfgsSize = 512;
    int lbfgsIterations = 500;
    std::vector<int> memorySizes{1024, 2048, 4096};
};

extern const char* const kEngineCheckUsage;

// Throws impasto::Error for an unknown or incomplete argument; nullopt for --help.
std::optional<EngineCheckOptions> parseEngineCheckOptions(int argc, char** argv);

}  // namespace impasto::bench

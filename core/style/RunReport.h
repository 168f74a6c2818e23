#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/style/StyleSession.h"

namespace impasto {

// The per-iteration record of a run (losses and elapsed time), written as JSON for plots and
// comparisons.
class RunReport {
public:
    RunReport(std::string modelName, std::string device, const StyleSettings& settings);

    // `elapsedSeconds` counts from the start of the run.
    void record(const StepReport& step, double elapsedSeconds);

    std::string toJson() const;
    // Writes atomically; throws impasto::Error.
    void save(const std::filesystem::path& file) const;

private:
    std::string modelName_;
    std::string device_;
    std::string settingsJson_;
    std::vector<std::pair<StepReport, double>> entries_;
};

}  // namespace impasto

#include "core/style/RunReport.h"

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"

namespace impasto {

RunReport::RunReport(std::string modelName, std::string device, const StyleSettings& settings)
    : modelName_(std::move(modelName)),
      device_(std::move(device)),
      settingsJson_(impasto::toJson(settings)) {}

void RunReport::record(const StepReport& step, double elapsedSeconds) {
    entries_.emplace_back(step, elapsedSeconds);
}

std::string RunReport::toJson() const {
    using nlohmann::ordered_json;
    ordered_json iterations = ordered_json::array();
    for (const auto& [step, elapsed] : entries_) {
        // Losses that are not finite (a diverged run) are written as null.
        iterations.push_back({{"iteration", step.iteration},
                              {"content", step.losses.content},
                              {"style", step.losses.style},
                              {"tv", step.losses.totalVariation},
                              {"total", step.losses.total},
                              {"seconds", elapsed},
                              {"width", step.width},
                              {"height", step.height},
                              {"stage", step.stage},
                              {"learningRate", step.learningRate},
                              {"threads", step.threads},
                              {"evaluations", step.evaluations}});
    }
    const ordered_json report = {{"model", modelName_},
                                 {"device", device_},
                                 {"settings", ordered_json::parse(settingsJson_)},
                                 {"iterations", std::move(iterations)}};
    // A model file's name need not be UTF-8: such bytes become U+FFFD rather than an error.
    return report.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

void RunReport::save(const std::filesystem::path& file) const {
    const std::string json = toJson();
    writeFileAtomically(file, {reinterpret_cast<const uint8_t*>(json.data()), json.size()});
}

}  // namespace impasto

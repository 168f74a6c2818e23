#include "core/style/RunReport.h"

#include <sstream>

#include "core/common/AtomicFile.h"
#include "core/common/JsonText.h"

namespace impasto {

RunReport::RunReport(std::string modelName, std::string device, const StyleSettings& settings)
    : modelName_(std::move(modelName)),
      device_(std::move(device)),
      settingsJson_(impasto::toJson(settings)) {}

void RunReport::record(const StepReport& step, double elapsedSeconds) {
    entries_.emplace_back(step, elapsedSeconds);
}

std::string RunReport::toJson() const {
    std::ostringstream out;
    out << "{\n  \"model\": " << jsonQuoted(modelName_)
        << ",\n  \"device\": " << jsonQuoted(device_) << ",\n  \"settings\": " << settingsJson_
        << ",\n  \"iterations\": [";
    for (size_t i = 0; i < entries_.size(); ++i) {
        const auto& [step, elapsed] = entries_[i];
        out << (i ? "," : "") << "\n    {\"iteration\": " << step.iteration
            << ", \"content\": " << jsonNumber(step.losses.content)
            << ", \"style\": " << jsonNumber(step.losses.style)
            << ", \"tv\": " << jsonNumber(step.losses.totalVariation)
            << ", \"total\": " << jsonNumber(step.losses.total)
            << ", \"seconds\": " << jsonNumber(elapsed) << "}";
    }
    out << "\n  ]\n}\n";
    return out.str();
}

void RunReport::save(const std::filesystem::path& file) const {
    const std::string json = toJson();
    writeFileAtomically(file, {reinterpret_cast<const uint8_t*>(json.data()), json.size()});
}

}  // namespace impasto

#include "ui/session/RunAutosave.h"

#include <exception>
#include <utility>

namespace impasto::ui {

RunAutosave::RunAutosave(std::filesystem::path folder) : store_(std::move(folder)) {}

void RunAutosave::setContentFile(const QString& file) {
    contentFile_ = file.toStdString();
}

RunInputs RunAutosave::inputFiles() const {
    RunInputs inputs;
    if (!contentFile_.empty()) {
        inputs.content = contentFile_.string();
    }
    for (const std::filesystem::path& file : styleFiles_) {
        inputs.styles.push_back(file.string());
    }
    return inputs;
}

void RunAutosave::addStyleFile(const QString& file) {
    styleFiles_.emplace_back(file.toStdString());
}

void RunAutosave::removeStyleFile(int index) {
    if (index >= 0 && index < static_cast<int>(styleFiles_.size())) {
        styleFiles_.erase(styleFiles_.begin() + index);
    }
}

bool RunAutosave::due(bool now) const {
    return now || !sinceSave_.isValid() || sinceSave_.elapsed() >= kIntervalMs;
}

std::optional<QString> RunAutosave::save(const Image& image, const StyleSettings& settings,
                                         int iteration, bool now) {
    if (!due(now)) {
        return std::nullopt;
    }
    sinceSave_.start();
    try {
        store_.save(image, settings, contentFile_, styleFiles_, iteration);
        failing_ = false;
        return std::nullopt;
    } catch (const std::exception& error) {
        const bool firstFailure = !failing_;
        failing_ = true;
        if (!firstFailure) {
            return std::nullopt;
        }
        return QString::fromUtf8(error.what());
    }
}

std::optional<RecoveredRun> RunAutosave::load() const {
    return store_.load();
}

void RunAutosave::discard() {
    store_.discard();
    sinceSave_.invalidate();
}

}  // namespace impasto::ui

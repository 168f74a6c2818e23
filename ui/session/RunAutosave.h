#pragma once

#include <QElapsedTimer>
#include <QString>

#include <filesystem>
#include <optional>
#include <vector>

#include "core/image/Image.h"
#include "core/recovery/RecoveryStore.h"
#include "core/settings/SettingsJson.h"
#include "core/settings/StyleSettings.h"

namespace impasto::ui {

// Keeps the running image in core's RecoveryStore every few seconds, with the files the run was
// made from, so that a crash or a power cut loses only the last seconds of a run. Used on the
// worker's thread, which owns the image.
class RunAutosave {
public:
    static constexpr int kIntervalMs = 5000;

    explicit RunAutosave(std::filesystem::path folder = RecoveryStore::defaultFolder());

    // The inputs as files; an empty name is an image that has none (pasted), which a restore
    // then cannot bring back.
    void setContentFile(const QString& file);
    void addStyleFile(const QString& file);
    void removeStyleFile(int index);
    // The files named so far, for the recipe stored with an export (empty names stay empty).
    RunInputs inputFiles() const;

    // Whether save() would write: the interval has passed since the last save, or `now`. Lets
    // the caller skip making the image.
    bool due(bool now) const;
    // Saves when due(now). Returns the
    // reason when saving failed; only the first failure in a row is returned, so that a full
    // disk is reported once rather than every few seconds.
    std::optional<QString> save(const Image& image, const StyleSettings& settings, int iteration,
                                bool now);
    std::optional<RecoveredRun> load() const;
    void discard();

private:
    RecoveryStore store_;
    std::filesystem::path contentFile_;
    std::vector<std::filesystem::path> styleFiles_;
    QElapsedTimer sinceSave_;
    bool failing_ = false;
};

}  // namespace impasto::ui

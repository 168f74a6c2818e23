#include "ui/session/RecoveryCoordinator.h"

#include <QDateTime>
#include <QLocale>

#include <chrono>
#include <exception>
#include <utility>

#include "core/common/Error.h"
#include "core/image/Resize.h"
#include "ui/session/MaskFilesBeside.h"

namespace impasto::ui {

std::filesystem::path RecoveryCoordinator::defaultFolder() {
    try {
        return RecoveryStore::defaultFolder();
    } catch (const Error&) {
        return std::filesystem::temp_directory_path() / "impasto-recovery";
    }
}

RecoveryCoordinator::RecoveryCoordinator(std::filesystem::path folder)
    : masksBeside_(folder / "autosave"), autosave_(folder), archive_(folder / "history") {}

void RecoveryCoordinator::setContentFile(const QString& file) {
    autosave_.setContentFile(file);
}

void RecoveryCoordinator::addStyleFile(const QString& file) {
    autosave_.addStyleFile(file);
}

void RecoveryCoordinator::removeStyleFile(int index) {
    autosave_.removeStyleFile(index);
}

bool RecoveryCoordinator::autosaveDue(bool now) const {
    return !keepingNothing_ && autosave_.due(now);
}

std::optional<QString> RecoveryCoordinator::autosave(const Image& image,
                                                     const StyleSettings& settings, int iteration,
                                                     bool now) {
    if (keepingNothing_) {
        return std::nullopt;
    }
    return autosave_.save(image, settings, iteration, now);
}

std::optional<QString> RecoveryCoordinator::saveMasks(const MaskSet& masks) {
    if (keepingNothing_) {
        return std::nullopt;
    }
    try {
        std::filesystem::create_directories(masksBeside_.parent_path());
        saveMasksBeside(masksBeside_, masks);
        return std::nullopt;
    } catch (const std::exception& error) {
        return QString::fromUtf8(error.what());
    }
}

MaskSet RecoveryCoordinator::restoreMasks(int paintings) {
    try {
        MaskSet masks = loadMasksBeside(masksBeside_, paintings);
        saveMasksBeside(masksBeside_, {});
        return masks;
    } catch (const std::exception&) {
        return {};  // like a damaged autosave: not worth an error at startup
    }
}

void RecoveryCoordinator::resultExported() {
    if (keepingNothing_) {
        return;
    }
    saveMasks({});
    autosave_.discard();
    archive_.discard();
}

std::optional<QString> RecoveryCoordinator::keepSnapshot(int id, const Snapshot& snapshot) {
    if (keepingNothing_) {
        return std::nullopt;
    }
    try {
        archive_.keep(id, snapshot);
        return std::nullopt;
    } catch (const std::exception& error) {
        return QString::fromUtf8(error.what());
    }
}

std::optional<RecoveryOffer> RecoveryCoordinator::offer(int thumbnailSide) {
    try {
        offered_ = autosave_.load();
        if (!offered_) {
            return std::nullopt;
        }
        const QString photo =
            offered_->contentFile.empty()
                ? tr("no photo")
                : QString::fromStdString(offered_->contentFile.filename().string());
        const auto savedAt =
            std::chrono::duration_cast<std::chrono::seconds>(offered_->savedAt.time_since_epoch());
        const QString when = QDateTime::fromSecsSinceEpoch(savedAt.count())
                                 .toString(QLocale().dateTimeFormat(QLocale::ShortFormat));
        return RecoveryOffer{tr("A run that was not exported was saved at %1 (%2, iteration %3).")
                                 .arg(when, photo)
                                 .arg(offered_->iteration),
                             resizeToMaxSide(offered_->image, thumbnailSide)};
    } catch (const std::exception&) {
        offered_.reset();
        return std::nullopt;
    }
}

std::optional<RecoveredRun> RecoveryCoordinator::restore() {
    return std::exchange(offered_, std::nullopt);
}

std::vector<Snapshot> RecoveryCoordinator::restoreHistory() {
    std::vector<Snapshot> history = archive_.load();
    archive_.discard();
    return history;
}

void RecoveryCoordinator::discard() {
    offered_.reset();
    if (keepingNothing_) {
        return;
    }
    saveMasks({});
    autosave_.discard();
    archive_.discard();
}

}  // namespace impasto::ui

#pragma once

#include <QByteArray>
#include <QList>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <optional>

#include "core/settings/StyleSettings.h"

namespace impasto::ui {

// What the app remembers between sessions (QSettings): window geometry and layout, the folders
// last used for each kind of file, the last settings and model, the run length.
class AppSettings {
public:
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    // `purpose` names the kind of file: "images", "exports", "presets", "models".
    QString lastFolder(const QString& purpose) const;
    // Remembers the folder holding `file`.
    void rememberFolderOf(const QString& purpose, const QString& file);

    // Nothing when none were saved or they no longer parse.
    std::optional<StyleSettings> lastSettings() const;
    void setLastSettings(const StyleSettings& settings);
    QString lastModel() const;
    void setLastModel(const QString& nameOrFile);
    // Weight files opened before, newest first, with the title of the network each held;
    // files that are gone are left out.
    struct RememberedModel {
        QString file;
        QString title;
    };
    QList<RememberedModel> modelFiles() const;
    void rememberModelFile(const QString& file, const QString& title);
    // Files used lately for `purpose` ("paintings", "presets"), newest first; files that are
    // gone are left out.
    QStringList recentFiles(const QString& purpose) const;
    void rememberRecentFile(const QString& purpose, const QString& file);
    int iterationTarget(int fallback) const;
    void setIterationTarget(int iterations);
    // ParameterPanel::memoryLimitMiB, kept per machine rather than in presets.
    int memoryLimitMiB() const;
    void setMemoryLimitMiB(int mebibytes);

private:
    QSettings settings_;
};

}  // namespace impasto::ui

#include "ui/settings/AppSettings.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "core/common/Error.h"
#include "core/settings/SettingsJson.h"

namespace impasto::ui {

QByteArray AppSettings::windowGeometry() const {
    return settings_.value("window/geometry").toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray& geometry) {
    settings_.setValue("window/geometry", geometry);
}

QByteArray AppSettings::windowState() const {
    return settings_.value("window/state").toByteArray();
}

void AppSettings::setWindowState(const QByteArray& state) {
    settings_.setValue("window/state", state);
}

QString AppSettings::lastFolder(const QString& purpose) const {
    const QString folder = settings_.value("folders/" + purpose).toString();
    if (!folder.isEmpty() && QFileInfo(folder).isDir()) {
        return folder;
    }
    // Only a folder that exists: given one that does not, a file dialog opens in its parent
    // with the missing name typed into the file-name box.
    const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    return QFileInfo(pictures).isDir() ? pictures : QDir::homePath();
}

void AppSettings::rememberFolderOf(const QString& purpose, const QString& file) {
    settings_.setValue("folders/" + purpose, QFileInfo(file).absolutePath());
}

QList<AppSettings::RememberedModel> AppSettings::modelFiles() const {
    const QVariantMap titles = settings_.value("models/titles").toMap();
    QList<RememberedModel> files;
    for (const QString& file : settings_.value("models/files").toStringList()) {
        if (QFileInfo(file).isFile()) {
            files.append({file, titles.value(file).toString()});
        }
    }
    return files;
}

void AppSettings::rememberModelFile(const QString& file, const QString& title) {
    constexpr int kRemembered = 8;
    const QString absolute = QFileInfo(file).absoluteFilePath();
    QStringList files{absolute};
    QVariantMap titles{{absolute, title}};
    for (const RememberedModel& known : modelFiles()) {
        if (known.file != absolute && files.size() < kRemembered) {
            files.append(known.file);
            titles.insert(known.file, known.title);
        }
    }
    settings_.setValue("models/files", files);
    settings_.setValue("models/titles", titles);
}

QStringList AppSettings::recentFiles(const QString& purpose) const {
    QStringList files;
    for (const QString& file : settings_.value("recent/" + purpose).toStringList()) {
        if (QFileInfo(file).isFile()) {
            files.append(file);
        }
    }
    return files;
}

void AppSettings::rememberRecentFile(const QString& purpose, const QString& file) {
    constexpr int kRemembered = 10;
    const QString absolute = QFileInfo(file).absoluteFilePath();
    QStringList files = recentFiles(purpose);
    files.removeAll(absolute);
    files.prepend(absolute);
    settings_.setValue("recent/" + purpose, files.mid(0, kRemembered));
}

std::optional<StyleSettings> AppSettings::lastSettings() const {
    const QByteArray json = settings_.value("run/settings").toByteArray();
    if (json.isEmpty()) {
        return std::nullopt;
    }
    try {
        return settingsFromJson(std::string_view(json.constData(), json.size()));
    } catch (const Error&) {
        return std::nullopt;  // written by another version: the defaults are the better guess
    }
}

void AppSettings::setLastSettings(const StyleSettings& settings) {
    settings_.setValue("run/settings", QByteArray::fromStdString(toJson(settings)));
}

QString AppSettings::lastModel() const {
    return settings_.value("run/model").toString();
}

void AppSettings::setLastModel(const QString& nameOrFile) {
    settings_.setValue("run/model", nameOrFile);
}

int AppSettings::iterationTarget(int fallback) const {
    return settings_.value("run/iterations", fallback).toInt();
}

void AppSettings::setIterationTarget(int iterations) {
    settings_.setValue("run/iterations", iterations);
}

int AppSettings::memoryLimitMiB() const {
    return settings_.value("performance/memoryLimitMiB", 0).toInt();
}

void AppSettings::setMemoryLimitMiB(int mebibytes) {
    settings_.setValue("performance/memoryLimitMiB", mebibytes);
}

}  // namespace impasto::ui

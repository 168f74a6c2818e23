#include "ui/settings/AppSettings.h"

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
    return QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
}

void AppSettings::rememberFolderOf(const QString& purpose, const QString& file) {
    settings_.setValue("folders/" + purpose, QFileInfo(file).absolutePath());
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

}  // namespace impasto::ui

#include "ui/settings/PresetFile.h"

#include <QFile>

#include <cstdint>
#include <span>
#include <string>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/settings/SettingsJson.h"

namespace impasto::ui {

namespace {

// Presets are a few hundred bytes; anything far larger is not one.
constexpr qint64 kMaximumPresetBytes = 1 << 20;

}  // namespace

void savePreset(const QString& file, const StyleSettings& settings) {
    const std::string json = toJson(settings) + "\n";
    writeFileAtomically(file.toStdString(),
                        std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

StyleSettings loadPreset(const QString& file) {
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly)) {
        throw Error("Cannot open the preset " + file.toStdString() + ": " +
                    input.errorString().toStdString());
    }
    if (input.size() > kMaximumPresetBytes) {
        throw Error("The preset " + file.toStdString() + " is too large to be a preset");
    }
    const QByteArray bytes = input.readAll();
    try {
        return settingsFromJson(std::string_view(bytes.constData(), bytes.size()));
    } catch (const Error& error) {
        throw Error("The preset " + file.toStdString() + " is not valid: " + error.what());
    }
}

}  // namespace impasto::ui

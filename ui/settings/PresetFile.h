#pragma once

#include <QString>

#include "core/settings/StyleSettings.h"

namespace impasto::ui {

// A preset is the settings' JSON (toJson), as stored in exported PNGs, in a file of its own.
// Both throw impasto::Error with a message naming the file (and, on loading, the setting).
void savePreset(const QString& file, const StyleSettings& settings);
StyleSettings loadPreset(const QString& file);

}  // namespace impasto::ui

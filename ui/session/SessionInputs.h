#pragma once

#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

#include "core/image/Image.h"
#include "core/settings/StyleSettings.h"
#include "ui/session/MaskSet.h"

namespace impasto::ui {

// What a session worker paints with, apart from its photo and starting image: the model, the
// decoded paintings with their files (for the recipes of exports), the settings and the masks.
// A batch takes them from the window's worker into a worker of its own, so that the picture in
// the window (and its autosave) stays as it was.
struct SessionInputs {
    QString model;  // as loadModel() takes it: a registry name or a weight file
    std::vector<Image> paintings;
    std::vector<QString> paintingFiles;  // one per painting; empty for a pasted one
    StyleSettings settings;
    MaskSet masks;
};

// Shared, because the paintings are full-size images: one copy, read by the receiver.
using SharedSessionInputs = std::shared_ptr<const SessionInputs>;

}  // namespace impasto::ui

Q_DECLARE_METATYPE(impasto::ui::SharedSessionInputs)

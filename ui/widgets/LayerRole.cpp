#include "ui/widgets/LayerRole.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>

namespace impasto::ui {

QString layerRole(int index, int count) {
    static const std::array<const char*, 6> kRoles = {
        QT_TRANSLATE_NOOP("LayerRole", "Finest grain"),
        QT_TRANSLATE_NOOP("LayerRole", "Fine texture"),
        QT_TRANSLATE_NOOP("LayerRole", "Small strokes"),
        QT_TRANSLATE_NOOP("LayerRole", "Brush strokes"),
        QT_TRANSLATE_NOOP("LayerRole", "Patterns and motifs"),
        QT_TRANSLATE_NOOP("LayerRole", "Large shapes"),
    };
    const int bands = static_cast<int>(kRoles.size());
    const int band = count <= 1 ? 0 : std::clamp(index * bands / count, 0, bands - 1);
    return QStringLiteral("%1 \u00B7 %2")
        .arg(index + 1)
        .arg(QCoreApplication::translate("LayerRole", kRoles[band]));
}

}  // namespace impasto::ui

#include "ui/session/SettingsChange.h"

#include <QCoreApplication>
#include <QStringList>

namespace impasto::ui {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("SettingsChange", text);
}

QString number(double value) {
    return QString::number(value, 'g', 4);
}

QString onOff(bool on) {
    return on ? tr("on") : tr("off");
}

QString blendText(const std::vector<double>& blend) {
    QStringList weights;
    for (const double weight : blend) {
        weights.append(QString::number(weight, 'f', 2));
    }
    return weights.isEmpty() ? tr("equal") : weights.join('/');
}

}  // namespace

QString describeChange(const StyleSettings& before, const StyleSettings& after) {
    QStringList changes;
    const auto compare = [&](const char* name, double from, double to, const QString& unit = {}) {
        if (from != to) {
            changes.append(
                QStringLiteral("%1 %2 -> %3%4").arg(tr(name), number(from), number(to), unit));
        }
    };
    compare("content weight", before.contentWeight, after.contentWeight);
    compare("style weight", before.styleWeight, after.styleWeight);
    compare("smoothness", before.tvWeight, after.tvWeight);
    compare("style scale", before.styleScale, after.styleScale);
    compare("output size", before.outputSize, after.outputSize, tr(" px"));
    compare("strength", before.strength, after.strength);
    if (before.styleBlend != after.styleBlend) {
        changes.append(tr("painting blend %1 -> %2")
                           .arg(blendText(before.styleBlend), blendText(after.styleBlend)));
    }
    if (before.styleLayers != after.styleLayers) {
        changes.append(tr("style layers"));
    }
    if (before.contentLayers != after.contentLayers) {
        changes.append(tr("content layer"));
    }
    if (before.preserveColors != after.preserveColors) {
        changes.append(tr("preserve colours %1").arg(onOff(after.preserveColors)));
    }
    if (before.coarseToFine != after.coarseToFine) {
        changes.append(tr("coarse to fine %1").arg(onOff(after.coarseToFine)));
    }
    if (before.optimizer != after.optimizer) {
        changes.append(tr("optimizer"));
    }
    if (before.pooling != after.pooling) {
        changes.append(tr("pooling"));
    }
    if (before.precision != after.precision) {
        changes.append(tr("precision"));
    }
    if (changes.isEmpty() && !(before == after)) {
        changes.append(tr("other settings"));
    }
    return changes.join(QStringLiteral("; "));
}

}  // namespace impasto::ui

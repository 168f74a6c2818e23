#pragma once

#include <QString>
#include <QStringList>

namespace impasto::ui {

// What the window shows and offers of the loaded model, as Qt values.
struct ModelSummary {
    QString displayName;  // registry name or file name
    QString title;        // "SqueezeNet 1.1"
    QString file;
    QString deviceName;  // "cpu", "cuda"
    int computeThreads = 0;
    QStringList availableLayers;
    QStringList defaultContentLayers;
    QStringList defaultStyleLayers;
};

}  // namespace impasto::ui

#include "ui/session/FastStyleSummary.h"

#include <exception>

#include "core/fast/FastStyleInfo.h"
#include "ui/session/ImageConversion.h"

namespace impasto::ui {

FastStyleSummary readFastStyleSummary(const QString& file) {
    FastStyleSummary summary;
    summary.file = file;
    try {
        const FastStyleInfo style = readFastStyleInfo(file.toStdString());
        summary.paintingName = QString::fromStdString(style.paintingName);
        summary.thumbnail = toQImage(style.thumbnail);
        summary.steps = style.steps;
        summary.width = style.width;
    } catch (const std::exception& error) {
        summary.error = QString::fromUtf8(error.what());
    }
    return summary;
}

}  // namespace impasto::ui

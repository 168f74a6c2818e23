#include "ui/widgets/FileThumbnail.h"

#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QSaveFile>

#include "ui/session/ImageConversion.h"
#include "ui/widgets/BackgroundWork.h"

namespace impasto::ui {

QString presetThumbnailFile(const QString& preset) {
    const QFileInfo info(preset);
    return info.dir().filePath(info.completeBaseName() + ".thumbnail.png");
}

bool savePresetThumbnail(const QString& preset, const QImage& picture) {
    QSaveFile out(presetThumbnailFile(preset));
    return out.open(QIODevice::WriteOnly) &&
           scaledDown(picture, kPresetThumbnailSize).save(&out, "PNG") && out.commit();
}

QImage fileThumbnail(const QString& file, int side) {
    const QString source = QFileInfo(file).suffix().compare("json", Qt::CaseInsensitive) == 0
                               ? presetThumbnailFile(file)
                               : file;
    QImageReader reader(source);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (!size.isValid()) {
        return {};
    }
    reader.setScaledSize(size.scaled(side, side, Qt::KeepAspectRatio).boundedTo(size));
    return reader.read();
}

void fileThumbnailInBackground(const QObject* receiver, const QString& file, int side,
                               std::function<void(const QImage&)> shown) {
    inBackground(
        receiver, [file, side] { return fileThumbnail(file, side); }, std::move(shown));
}

}  // namespace impasto::ui

#pragma once

#include <QImage>
#include <QString>

#include <functional>

class QObject;

namespace impasto::ui {

// Where the app keeps the picture of a JSON preset's result: beside it, as "<name>.thumbnail.png"
// (an exported picture is its own thumbnail).
QString presetThumbnailFile(const QString& preset);
inline constexpr int kPresetThumbnailSize = 256;
// Writes `picture` (shrunk to kPresetThumbnailSize at most) as `preset`'s thumbnail,
// atomically. Returns false when it could not be written.
bool savePresetThumbnail(const QString& preset, const QImage& picture);

// A small picture of `file` at most `side` pixels on its longest side: the image itself,
// decoded at about that size where the format allows (JPEG); for a JSON preset the thumbnail
// beside it. A null image when there is none. Reads the file: call it off the window's thread
// for files that may be large.
QImage fileThumbnail(const QString& file, int side);

// fileThumbnail() in the background (inBackground): `shown` is called on the GUI thread, unless
// `receiver` is gone by then.
void fileThumbnailInBackground(const QObject* receiver, const QString& file, int side,
                               std::function<void(const QImage&)> shown);

}  // namespace impasto::ui

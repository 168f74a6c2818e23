#pragma once

#include <QImage>
#include <QString>

#include "core/image/Image.h"

namespace impasto::ui {

// Conversions between the engine's float images and QImage. They touch every pixel: run them on
// the worker thread, never on the UI thread for a large image.

// 8-bit RGB; an image with alpha becomes ARGB with its colours un-composited from white, as
// exportPng does, so transparent parts look transparent.
QImage toQImage(const Image& image);
// Decodes through the engine's loader (the same alpha and colour handling as files); `name`
// appears in error messages. Throws impasto::Error.
Image fromQImage(const QImage& image, const QString& name);
// Scaled smoothly so the longest side is at most `longestSide` pixels; never enlarges.
QImage scaledDown(const QImage& image, int longestSide);

}  // namespace impasto::ui

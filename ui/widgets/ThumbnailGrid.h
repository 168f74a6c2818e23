#pragma once

#include <QListWidget>
#include <QString>

namespace impasto::ui {

// A list of files shown as a grid of thumbnails (at most `thumbnailSide` logical pixels) with
// their names below, as the gallery and the fast style list show them.
QListWidget* thumbnailGrid(const QString& accessibleName, int thumbnailSide);

}  // namespace impasto::ui

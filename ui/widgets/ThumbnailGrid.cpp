#include "ui/widgets/ThumbnailGrid.h"

namespace impasto::ui {

QListWidget* thumbnailGrid(const QString& accessibleName, int thumbnailSide) {
    auto* list = new QListWidget;
    list->setAccessibleName(accessibleName);
    list->setViewMode(QListView::IconMode);
    list->setIconSize({thumbnailSide, thumbnailSide});
    list->setResizeMode(QListView::Adjust);
    list->setMovement(QListView::Static);
    list->setWordWrap(true);
    list->setGridSize({thumbnailSide + 24, thumbnailSide + 36});
    return list;
}

}  // namespace impasto::ui

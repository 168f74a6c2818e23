#include "ui/panels/StyleGallery.h"

#include <QApplication>
#include <QFileInfo>
#include <QLabel>
#include <QPointer>
#include <QThreadPool>
#include <QVBoxLayout>

#include "ui/settings/AppSettings.h"
#include "ui/widgets/FileThumbnail.h"
#include "ui/widgets/ThumbnailPixmap.h"

namespace impasto::ui {

namespace {

QListWidget* thumbnailList(const QString& accessibleName) {
    auto* list = new QListWidget;
    list->setAccessibleName(accessibleName);
    list->setViewMode(QListView::IconMode);
    list->setIconSize({StyleGallery::kThumbnailSize, StyleGallery::kThumbnailSize});
    list->setResizeMode(QListView::Adjust);
    list->setMovement(QListView::Static);
    list->setWordWrap(true);
    list->setUniformItemSizes(true);
    list->setGridSize({StyleGallery::kThumbnailSize + 24, StyleGallery::kThumbnailSize + 36});
    return list;
}

}  // namespace

StyleGallery::StyleGallery(QWidget* parent)
    : QWidget(parent),
      paintings_(thumbnailList(tr("Recent paintings"))),
      presets_(thumbnailList(tr("Recent presets"))) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Paintings: click to add")));
    layout->addWidget(paintings_, 1);
    layout->addWidget(new QLabel(tr("Presets and exported pictures: click to restore")));
    layout->addWidget(presets_, 1);
    connect(paintings_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        Q_EMIT paintingChosen(item->data(Qt::UserRole).toString());
    });
    connect(presets_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        Q_EMIT presetChosen(item->data(Qt::UserRole).toString());
    });
    refresh();
}

void StyleGallery::refresh() {
    ++generation_;
    thumbnailsPending_ = 0;
    fill(paintings_, "paintings");
    fill(presets_, "presets");
    if (thumbnailsPending_ == 0) {
        Q_EMIT thumbnailsLoaded();
    }
}

void StyleGallery::fill(QListWidget* list, const QString& purpose) {
    list->clear();
    const int side = static_cast<int>(kThumbnailSize * devicePixelRatioF());
    for (const QString& file : AppSettings().recentFiles(purpose)) {
        auto* item = new QListWidgetItem(QFileInfo(file).completeBaseName(), list);
        item->setData(Qt::UserRole, file);
        item->setToolTip(file);
        ++thumbnailsPending_;
        const int row = list->count() - 1;
        QPointer<StyleGallery> gallery(this);
        const int generation = generation_;
        QThreadPool::globalInstance()->start([gallery, generation, list, row, file, side] {
            const QImage thumbnail = fileThumbnail(file, side);
            // The gallery may be gone by now: it is looked at on its own (the GUI) thread.
            QMetaObject::invokeMethod(qApp, [gallery, generation, list, row, thumbnail] {
                if (gallery) {
                    gallery->showThumbnail(generation, list, row, thumbnail);
                }
            });
        });
    }
}

void StyleGallery::showThumbnail(int generation, QListWidget* list, int row,
                                 const QImage& thumbnail) {
    if (generation != generation_) {
        return;
    }
    if (QListWidgetItem* item = list->item(row); item && !thumbnail.isNull()) {
        item->setIcon(thumbnailPixmap(thumbnail, kThumbnailSize, devicePixelRatioF()));
    }
    if (--thumbnailsPending_ == 0) {
        Q_EMIT thumbnailsLoaded();
    }
}

}  // namespace impasto::ui

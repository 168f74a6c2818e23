#include "ui/panels/StyleGallery.h"

#include <QFileInfo>
#include <QLabel>
#include <QVBoxLayout>

#include "ui/settings/AppSettings.h"
#include "ui/widgets/FileThumbnail.h"
#include "ui/widgets/ThumbnailGrid.h"
#include "ui/widgets/ThumbnailPixmap.h"

namespace impasto::ui {

StyleGallery::StyleGallery(QWidget* parent)
    : QWidget(parent),
      paintings_(thumbnailGrid(tr("Recent paintings"), kThumbnailSize)),
      presets_(thumbnailGrid(tr("Recent presets"), kThumbnailSize)) {
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
        fileThumbnailInBackground(this, file, side,
                                  [this, generation = generation_, list, row](const QImage& image) {
                                      showThumbnail(generation, list, row, image);
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

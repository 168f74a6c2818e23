#include "ui/panels/FastStyleList.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/session/FastStyleSummary.h"
#include "ui/settings/AppSettings.h"
#include "ui/widgets/BackgroundWork.h"
#include "ui/widgets/ThumbnailGrid.h"
#include "ui/widgets/ThumbnailPixmap.h"

namespace impasto::ui {

namespace {

const QString kPurpose = QStringLiteral("fast-styles");

}  // namespace

FastStyleList::FastStyleList(QWidget* parent)
    : QWidget(parent),
      list_(thumbnailGrid(tr("Fast styles"), kThumbnailSize)),
      open_(new QPushButton(tr("Open..."))),
      train_(new QPushButton(tr("Train..."))) {
    open_->setToolTip(tr("Open a fast style file (.safetensors) trained here or elsewhere"));
    train_->setToolTip(tr("Train a fast style for a painting on a folder of photos"));
    auto* hint =
        new QLabel(tr("Fast styles: click one to stylise the photo at once; Start "
                      "then refines the result"));
    hint->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open_);
    buttons->addWidget(train_);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(list_, 1);
    layout->addLayout(buttons);
    connect(list_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (item->flags().testFlag(Qt::ItemIsEnabled)) {
            Q_EMIT styleChosen(item->data(Qt::UserRole).toString());
        }
    });
    connect(open_, &QPushButton::clicked, this, &FastStyleList::openRequested);
    connect(train_, &QPushButton::clicked, this, &FastStyleList::trainRequested);
    refresh();
}

void FastStyleList::refresh() {
    ++generation_;
    list_->clear();
    const QStringList files = AppSettings().recentFiles(kPurpose);
    pending_ = static_cast<int>(files.size());
    if (pending_ == 0) {
        Q_EMIT stylesLoaded();
    }
    for (const QString& file : files) {
        auto* item = new QListWidgetItem(QFileInfo(file).completeBaseName(), list_);
        item->setData(Qt::UserRole, file);
        item->setToolTip(file);
        const int row = list_->count() - 1;
        const int generation = generation_;
        inBackground(
            this, [file] { return readFastStyleSummary(file); },
            [this, generation, row](const FastStyleSummary& summary) {
                showSummary(generation, row, summary);
            });
    }
}

void FastStyleList::addFile(const QString& file) {
    inBackground(
        this, [file] { return readFastStyleSummary(file); },
        [this](const FastStyleSummary& summary) {
            if (!summary.isValid()) {
                Q_EMIT loadFailed(summary.error);
                return;
            }
            AppSettings().rememberRecentFile(kPurpose, summary.file);
            refresh();
        });
}

void FastStyleList::showSummary(int generation, int row, const FastStyleSummary& summary) {
    if (generation != generation_) {
        return;
    }
    if (QListWidgetItem* item = list_->item(row)) {
        if (summary.isValid()) {
            item->setText(summary.paintingName);
            item->setIcon(thumbnailPixmap(summary.thumbnail, kThumbnailSize, devicePixelRatioF()));
            item->setToolTip(tr("%1\n%2 steps, width %3")
                                 .arg(summary.file)
                                 .arg(summary.steps)
                                 .arg(summary.width));
        } else {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(summary.error);
        }
    }
    if (--pending_ == 0) {
        Q_EMIT stylesLoaded();
    }
}

}  // namespace impasto::ui

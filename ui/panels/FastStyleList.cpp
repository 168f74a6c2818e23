#include "ui/panels/FastStyleList.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHash>
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
// The painting's name of a listed style (set once its file has read).
constexpr int kPaintingRole = Qt::UserRole + 1;

// The painting's name, with the file's name where two styles share the painting (two trainings
// of one painting), and the folder too where the files' names are alike as well.
void labelDistinctly(QListWidget& list) {
    QHash<QString, int> sameName;
    QHash<QString, int> sameStem;
    for (int row = 0; row < list.count(); ++row) {
        const QString name = list.item(row)->data(kPaintingRole).toString();
        if (!name.isEmpty()) {
            ++sameName[name];
            ++sameStem[name + '/' +
                       QFileInfo(list.item(row)->data(Qt::UserRole).toString()).completeBaseName()];
        }
    }
    for (int row = 0; row < list.count(); ++row) {
        QListWidgetItem* item = list.item(row);
        const QString name = item->data(kPaintingRole).toString();
        if (name.isEmpty()) {
            continue;
        }
        const QFileInfo file(item->data(Qt::UserRole).toString());
        if (sameName.value(name) < 2) {
            item->setText(name);
        } else if (sameStem.value(name + '/' + file.completeBaseName()) < 2) {
            item->setText(QStringLiteral("%1 (%2)").arg(name, file.completeBaseName()));
        } else {
            item->setText(QStringLiteral("%1 (%2/%3)")
                              .arg(name, file.dir().dirName(), file.completeBaseName()));
        }
    }
}

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
            item->setData(kPaintingRole, summary.paintingName);
            labelDistinctly(*list_);
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

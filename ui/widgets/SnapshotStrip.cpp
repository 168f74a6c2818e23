#include "ui/widgets/SnapshotStrip.h"

#include <QAction>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

#include "ui/widgets/ThumbnailPixmap.h"

namespace impasto::ui {

namespace {

constexpr int kIdRole = Qt::UserRole;

// The thumbnail centred on a transparent square, so that landscape and portrait snapshots
// keep their captions on one line.
QPixmap squareThumbnail(const QImage& thumbnail, qreal devicePixelRatio) {
    const QPixmap picture =
        thumbnailPixmap(thumbnail, SnapshotStrip::kThumbnailSize, devicePixelRatio);
    const int side = static_cast<int>(std::ceil(SnapshotStrip::kThumbnailSize * devicePixelRatio));
    QPixmap square(side, side);
    square.setDevicePixelRatio(devicePixelRatio);
    square.fill(Qt::transparent);
    QPainter painter(&square);
    const QSizeF size = picture.deviceIndependentSize();
    painter.drawPixmap(QPointF((SnapshotStrip::kThumbnailSize - size.width()) / 2.0,
                               (SnapshotStrip::kThumbnailSize - size.height()) / 2.0),
                       picture);
    return square;
}

}  // namespace

SnapshotStrip::SnapshotStrip(QWidget* parent)
    : QWidget(parent),
      list_(new QListWidget(this)),
      viewAction_(new QAction(tr("View"), this)),
      exportAction_(new QAction(tr("Export…"), this)),
      continueAction_(new QAction(tr("Continue from Here"), this)),
      restoreSettingsAction_(new QAction(tr("Restore These Settings"), this)),
      contextMenu_(new QMenu(this)),
      exportButton_(new QToolButton(this)),
      continueButton_(new QToolButton(this)),
      restoreSettingsButton_(new QToolButton(this)) {
    list_->setViewMode(QListView::IconMode);
    list_->setFlow(QListView::LeftToRight);
    list_->setWrapping(false);
    list_->setMovement(QListView::Static);
    list_->setResizeMode(QListView::Adjust);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    list_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    list_->setIconSize(QSize(kThumbnailSize, kThumbnailSize));
    list_->setGridSize(QSize(kThumbnailSize + 16, kThumbnailSize + fontMetrics().height() + 14));
    list_->setWordWrap(true);
    list_->setTextElideMode(Qt::ElideRight);
    list_->setContextMenuPolicy(Qt::CustomContextMenu);
    list_->setAccessibleName(tr("Snapshots"));
    list_->setToolTip(tr("Double-click a snapshot to view it; right-click for more"));
    const int scrollBar = list_->style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    list_->setMinimumHeight(list_->gridSize().height() + scrollBar + 2 * list_->frameWidth() + 4);

    viewAction_->setToolTip(tr("Show this snapshot in the preview"));
    exportAction_->setToolTip(tr("Save this snapshot as a full-resolution PNG"));
    continueAction_->setToolTip(
        tr("Go on painting from this snapshot, counting on from its iteration"));
    restoreSettingsAction_->setToolTip(
        tr("Put the settings this snapshot was made with back in the Settings panel"));
    contextMenu_->addAction(viewAction_);
    contextMenu_->addSeparator();
    contextMenu_->addAction(exportAction_);
    contextMenu_->addAction(continueAction_);
    contextMenu_->addAction(restoreSettingsAction_);
    exportButton_->setDefaultAction(exportAction_);
    continueButton_->setDefaultAction(continueAction_);
    restoreSettingsButton_->setDefaultAction(restoreSettingsAction_);
    for (QToolButton* button : {exportButton_, continueButton_, restoreSettingsButton_}) {
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    }

    auto* buttons = new QVBoxLayout;
    buttons->addWidget(exportButton_);
    buttons->addWidget(continueButton_);
    buttons->addWidget(restoreSettingsButton_);
    buttons->addStretch(1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(list_, 1);
    layout->addLayout(buttons);
    setFocusProxy(list_);

    connect(list_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        Q_EMIT snapshotActivated(item->data(kIdRole).toInt());
    });
    connect(list_, &QListWidget::itemSelectionChanged, this, &SnapshotStrip::updateActions);
    connect(list_, &QListWidget::customContextMenuRequested, this, &SnapshotStrip::showContextMenu);
    connect(viewAction_, &QAction::triggered, this, [this] {
        if (selectedId() >= 0) {
            Q_EMIT snapshotActivated(selectedId());
        }
    });
    connect(exportAction_, &QAction::triggered, this, [this] {
        if (selectedId() >= 0) {
            Q_EMIT exportRequested(selectedId());
        }
    });
    connect(continueAction_, &QAction::triggered, this, [this] {
        if (selectedId() >= 0) {
            Q_EMIT continueRequested(selectedId());
        }
    });
    connect(restoreSettingsAction_, &QAction::triggered, this, [this] {
        const auto found = details_.find(selectedId());
        if (found != details_.end()) {
            Q_EMIT settingsRestoreRequested(
                found->second.settings,
                tr("run %1, iteration %2").arg(found->second.run).arg(found->second.iteration));
        }
    });
    updateActions();
}

void SnapshotStrip::addSnapshot(int id, const QImage& thumbnail, const QString& caption) {
    QListWidgetItem* item = itemFor(id);
    if (item == nullptr) {
        item = new QListWidgetItem(list_);
        item->setData(kIdRole, id);
        item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
    }
    item->setIcon(QIcon(squareThumbnail(thumbnail, devicePixelRatioF())));
    item->setText(caption);
    item->setToolTip(caption);
    list_->scrollToItem(item);
}

void SnapshotStrip::setSnapshotDetails(int id, int run, int iteration,
                                       const StyleSettings& settings) {
    details_[id] = {run, iteration, settings};
    if (QListWidgetItem* item = itemFor(id)) {
        item->setToolTip(tr("Run %1, iteration %2\nStyle weight %3, content weight %4, %5 px")
                             .arg(run)
                             .arg(iteration)
                             .arg(settings.styleWeight, 0, 'g', 4)
                             .arg(settings.contentWeight, 0, 'g', 4)
                             .arg(settings.outputSize));
    }
    updateActions();
}

int SnapshotStrip::iterationOf(int id) const {
    const auto found = details_.find(id);
    return found == details_.end() ? 0 : found->second.iteration;
}

void SnapshotStrip::clear() {
    list_->clear();
    details_.clear();
    updateActions();
}

int SnapshotStrip::count() const {
    return list_->count();
}

int SnapshotStrip::selectedId() const {
    const QList<QListWidgetItem*> selected = list_->selectedItems();
    return selected.isEmpty() ? -1 : selected.first()->data(kIdRole).toInt();
}

void SnapshotStrip::setSelectedId(int id) {
    QListWidgetItem* item = itemFor(id);
    if (item == nullptr) {
        list_->clearSelection();
        return;
    }
    list_->setCurrentItem(item);
    list_->scrollToItem(item);
}

QListWidgetItem* SnapshotStrip::itemFor(int id) const {
    for (int row = 0; row < list_->count(); ++row) {
        if (list_->item(row)->data(kIdRole).toInt() == id) {
            return list_->item(row);
        }
    }
    return nullptr;
}

void SnapshotStrip::showContextMenu(QPoint listPosition) {
    QListWidgetItem* item = list_->itemAt(listPosition);
    if (item == nullptr) {
        return;
    }
    list_->setCurrentItem(item);
    contextMenu_->popup(list_->viewport()->mapToGlobal(listPosition));
}

void SnapshotStrip::updateActions() {
    const bool selected = selectedId() >= 0;
    for (QAction* action : {viewAction_, exportAction_, continueAction_}) {
        action->setEnabled(selected);
    }
    restoreSettingsAction_->setEnabled(details_.contains(selectedId()));
}

}  // namespace impasto::ui

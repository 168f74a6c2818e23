#include "ui/widgets/RecentFilesMenu.h"

#include <QFileInfo>
#include <QPixmap>

#include "ui/settings/AppSettings.h"
#include "ui/widgets/FileThumbnail.h"

namespace impasto::ui {

RecentFilesMenu::RecentFilesMenu(const QString& title, const QString& purpose, QWidget* parent)
    : QMenu(title, parent), purpose_(purpose) {
    connect(this, &QMenu::aboutToShow, this, &RecentFilesMenu::refresh);
    refresh();
}

void RecentFilesMenu::refresh() {
    clear();
    const QStringList files = AppSettings().recentFiles(purpose_);
    const int side = static_cast<int>(kThumbnailSize * devicePixelRatioF());
    for (const QString& file : files) {
        QAction* action = addAction(QFileInfo(file).fileName());
        action->setToolTip(file);
        action->setStatusTip(file);
        connect(action, &QAction::triggered, this, [this, file] { Q_EMIT fileChosen(file); });
        const auto known = thumbnails_.constFind(file);
        if (known != thumbnails_.constEnd() && known->modified == QFileInfo(file).lastModified()) {
            action->setIcon(known->icon);
            continue;
        }
        fileThumbnailInBackground(action, file, side, [this, action, file](const QImage& image) {
            showThumbnail(action, file, image);
        });
    }
    if (files.isEmpty()) {
        addAction(tr("None yet"))->setEnabled(false);
    }
}

void RecentFilesMenu::showThumbnail(QAction* action, const QString& file, const QImage& thumbnail) {
    const QIcon icon = thumbnail.isNull() ? QIcon() : QIcon(QPixmap::fromImage(thumbnail));
    thumbnails_.insert(file, {QFileInfo(file).lastModified(), icon});
    action->setIcon(icon);
}

}  // namespace impasto::ui

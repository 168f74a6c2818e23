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
        const QImage thumbnail = fileThumbnail(file, side);
        QAction* action =
            addAction(thumbnail.isNull() ? QIcon() : QIcon(QPixmap::fromImage(thumbnail)),
                      QFileInfo(file).fileName());
        action->setToolTip(file);
        action->setStatusTip(file);
        connect(action, &QAction::triggered, this, [this, file] { Q_EMIT fileChosen(file); });
    }
    if (files.isEmpty()) {
        addAction(tr("None yet"))->setEnabled(false);
    }
}

}  // namespace impasto::ui

#include "ui/widgets/RecentFilesMenu.h"

#include <QFileInfo>
#include <QImageReader>
#include <QPixmap>

#include "ui/settings/AppSettings.h"

namespace impasto::ui {

namespace {

// A small picture of `file`, decoded at about the size shown (cheap for JPEG); none for files
// that are no image (a JSON preset).
QIcon thumbnailOf(const QString& file, int side) {
    QImageReader reader(file);
    const QSize size = reader.size();
    if (!size.isValid()) {
        return {};
    }
    reader.setScaledSize(size.scaled(side, side, Qt::KeepAspectRatio));
    const QImage image = reader.read();
    return image.isNull() ? QIcon() : QIcon(QPixmap::fromImage(image));
}

}  // namespace

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
        QAction* action = addAction(thumbnailOf(file, side), QFileInfo(file).fileName());
        action->setToolTip(file);
        action->setStatusTip(file);
        connect(action, &QAction::triggered, this, [this, file] { Q_EMIT fileChosen(file); });
    }
    if (files.isEmpty()) {
        addAction(tr("None yet"))->setEnabled(false);
    }
}

}  // namespace impasto::ui

#pragma once

#include <QDateTime>
#include <QHash>
#include <QIcon>
#include <QMenu>
#include <QString>

namespace impasto::ui {

// A menu of the files used lately for one purpose (AppSettings::recentFiles), each with a
// thumbnail where the file is an image, newest first, for one-click reuse: recent paintings,
// recent presets (an exported PNG is a preset with its picture). Rebuilt whenever it opens; the
// thumbnails are decoded off the GUI thread and kept while their file is unchanged.
class RecentFilesMenu : public QMenu {
    Q_OBJECT

public:
    RecentFilesMenu(const QString& title, const QString& purpose, QWidget* parent = nullptr);

    // Lists the files as they are now (done on every opening).
    void refresh();

    static constexpr int kThumbnailSize = 48;  // logical pixels, longest side

Q_SIGNALS:
    void fileChosen(const QString& file);

private:
    struct Thumbnail {
        QDateTime modified;
        QIcon icon;
    };

    void showThumbnail(QAction* action, const QString& file, const QImage& thumbnail);

    QString purpose_;
    QHash<QString, Thumbnail> thumbnails_;
};

}  // namespace impasto::ui

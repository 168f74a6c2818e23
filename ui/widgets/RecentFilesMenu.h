#pragma once

#include <QMenu>
#include <QString>

namespace impasto::ui {

// A menu of the files used lately for one purpose (AppSettings::recentFiles), each with a
// thumbnail where the file is an image, newest first, for one-click reuse: recent paintings,
// recent presets (an exported PNG is a preset with its picture). Rebuilt whenever it opens.
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
    QString purpose_;
};

}  // namespace impasto::ui

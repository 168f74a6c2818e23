#pragma once

#include <QImage>
#include <QWidget>

class QAction;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QToolButton;

namespace impasto::ui {

// A horizontal strip of snapshot thumbnails with captions. Double-click or Enter views a
// snapshot; its context menu and the small buttons beside the strip export it or continue the
// run from it. Snapshots are known by the caller's ids; the full-size images live with the
// caller.
class SnapshotStrip : public QWidget {
    Q_OBJECT

public:
    explicit SnapshotStrip(QWidget* parent = nullptr);

    // A snapshot with an id already present replaces that one's thumbnail and caption.
    void addSnapshot(int id, const QImage& thumbnail, const QString& caption);
    void clear();
    int count() const;
    int selectedId() const;  // -1 if none
    void setSelectedId(int id);

    QListWidget* list() const { return list_; }
    QAction* viewAction() const { return viewAction_; }
    QAction* exportAction() const { return exportAction_; }
    QAction* continueAction() const { return continueAction_; }

    static constexpr int kThumbnailSize = 96;  // logical pixels, longest side

Q_SIGNALS:
    void snapshotActivated(int id);
    void exportRequested(int id);
    void continueRequested(int id);

private:
    QListWidgetItem* itemFor(int id) const;
    void showContextMenu(QPoint listPosition);
    void updateActions();

    QListWidget* list_;
    QAction* viewAction_;
    QAction* exportAction_;
    QAction* continueAction_;
    QMenu* contextMenu_;
    QToolButton* exportButton_;
    QToolButton* continueButton_;
};

}  // namespace impasto::ui

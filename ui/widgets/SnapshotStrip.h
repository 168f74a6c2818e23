#pragma once

#include <QImage>
#include <QWidget>

#include <map>

#include "core/settings/StyleSettings.h"

class QAction;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QToolButton;

namespace impasto::ui {

// The history of the window's runs: a horizontal strip of snapshot thumbnails with captions
// that name their run and iteration. Double-click or Enter views a snapshot; its context menu and
// the small buttons beside the strip export it, continue the run from it or bring back the
// settings it was made with. Snapshots are known by the caller's ids; the full-size images live
// with the caller.
class SnapshotStrip : public QWidget {
    Q_OBJECT

public:
    explicit SnapshotStrip(QWidget* parent = nullptr);

    // A snapshot with an id already present replaces that one's thumbnail and caption.
    void addSnapshot(int id, const QImage& thumbnail, const QString& caption);
    // What made snapshot `id`: its run, iteration and settings (shown in its tooltip and given
    // back by "Restore These Settings").
    void setSnapshotDetails(int id, int run, int iteration, const StyleSettings& settings);
    // The iteration set by setSnapshotDetails(); 0 when unknown.
    int iterationOf(int id) const;
    void clear();
    int count() const;
    int selectedId() const;  // -1 if none
    void setSelectedId(int id);

    QListWidget* list() const { return list_; }
    QAction* viewAction() const { return viewAction_; }
    QAction* exportAction() const { return exportAction_; }
    QAction* continueAction() const { return continueAction_; }
    QAction* restoreSettingsAction() const { return restoreSettingsAction_; }

    static constexpr int kThumbnailSize = 96;  // logical pixels, longest side

Q_SIGNALS:
    void snapshotActivated(int id);
    void exportRequested(int id);
    void continueRequested(int id);
    // `caption` names the snapshot for a message ("run 2, iteration 150").
    void settingsRestoreRequested(const impasto::StyleSettings& settings, const QString& caption);

private:
    QListWidgetItem* itemFor(int id) const;
    void showContextMenu(QPoint listPosition);
    void updateActions();

    QListWidget* list_;
    QAction* viewAction_;
    QAction* exportAction_;
    QAction* continueAction_;
    QAction* restoreSettingsAction_;
    QMenu* contextMenu_;
    QToolButton* exportButton_;
    QToolButton* continueButton_;
    QToolButton* restoreSettingsButton_;
    struct Details {
        int run = 0;
        int iteration = 0;
        StyleSettings settings;
    };
    std::map<int, Details> details_;
};

}  // namespace impasto::ui

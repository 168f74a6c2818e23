#pragma once

#include <QObject>
#include <QSize>
#include <QStringList>

class QAction;
class QMenu;
class QWidget;

namespace impasto::ui {

class MaskEditor;
class MaskToolBar;
class PreviewView;

// The main window's mask mode: its actions and keys (M mask mode, Shift+M show the masks,
// [ and ] brush size, X brush/eraser, Ctrl+Z / Ctrl+Shift+Z undo and redo, import and export
// of a mask), and the wiring between the preview's strokes, the MaskEditor and the mask
// toolbar. The window sends editor().masksChanged on to the run.
class MaskMode : public QObject {
    Q_OBJECT

public:
    // Actions are made children of `window`, so that their shortcuts work anywhere in it.
    MaskMode(PreviewView& preview, QWidget* window);

    MaskEditor& editor() const { return *editor_; }
    MaskToolBar* toolBar() const { return toolBar_; }
    // An Edit menu (undo, redo) and a Mask menu with every action.
    void addMenus(QMenu* edit, QMenu* mask) const;

    // The photo's size (or the picture's, without a photo): the masks' pixels.
    void setMaskSize(QSize size);
    void setPaintings(const QStringList& names);
    // Drops the removed painting's mask; setPaintings() then names those left.
    void removePainting(int index);

    QAction* modeAction() const { return mode_; }
    QAction* showMasksAction() const { return showMasks_; }
    QAction* undoAction() const { return undo_; }
    QAction* redoAction() const { return redo_; }
    QAction* smallerBrushAction() const { return smaller_; }
    QAction* largerBrushAction() const { return larger_; }
    QAction* eraserAction() const { return eraser_; }
    QAction* importAction() const { return import_; }
    QAction* exportAction() const { return export_; }

    // The file dialogs' work, for the menu actions and the tests; errors go to `failed`.
    void importMaskFile(const QString& file);
    void exportMaskFile(const QString& file);
    // A painting's source region ("use only the sky of this painting"): asked for with a file
    // dialog, or read from `file` (white = use), at the painting's own shape.
    void askPartOfPainting(int painting);
    void usePartOfPainting(int painting, const QString& file);

Q_SIGNALS:
    void failed(const QString& message);
    void message(const QString& text);

private:
    void setModeOn(bool on);
    void showOverlay();
    void showBrush();

    PreviewView& preview_;
    QWidget* window_;
    MaskEditor* editor_;
    MaskToolBar* toolBar_;
    QAction* mode_;
    QAction* showMasks_;
    QAction* undo_;
    QAction* redo_;
    QAction* smaller_;
    QAction* larger_;
    QAction* eraser_;
    QAction* import_;
    QAction* export_;
};

}  // namespace impasto::ui

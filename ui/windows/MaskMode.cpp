#include "ui/windows/MaskMode.h"

#include <QAction>
#include <QFileDialog>
#include <QMenu>
#include <QUndoStack>
#include <QWidget>

#include <exception>

#include "core/image/MaskFile.h"
#include "ui/panels/MaskToolBar.h"
#include "ui/widgets/MaskEditor.h"
#include "ui/widgets/PreviewView.h"

namespace impasto::ui {

namespace {

QAction* makeAction(QWidget* window, const QString& text, const QKeySequence& shortcut,
                    const QString& tip) {
    auto* action = new QAction(text, window);
    action->setShortcut(shortcut);
    action->setToolTip(shortcut.isEmpty() ? tip
                                          : MaskMode::tr("%1 (%2)").arg(
                                                tip, shortcut.toString(QKeySequence::NativeText)));
    action->setStatusTip(tip);
    window->addAction(action);
    return action;
}

// An image file to read a mask from (white = here), or empty when the user cancels.
QString askMaskImage(QWidget* window, const QString& title) {
    return QFileDialog::getOpenFileName(
        window, title, QString(),
        MaskMode::tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.webp *.bmp);;All files (*)"));
}

}  // namespace

MaskMode::MaskMode(PreviewView& preview, QWidget* window)
    : QObject(window),
      preview_(preview),
      window_(window),
      editor_(new MaskEditor(this)),
      toolBar_(new MaskToolBar(*editor_)) {
    mode_ = makeAction(window, tr("&Mask Mode"), QKeySequence(tr("M")),
                       tr("Paint where each painting applies and where the photo is kept"));
    mode_->setCheckable(true);
    showMasks_ = makeAction(window, tr("&Show Masks"), QKeySequence(tr("Shift+M")),
                            tr("Show the masks over the picture outside the mask mode too"));
    showMasks_->setCheckable(true);
    undo_ = editor_->undoStack()->createUndoAction(window, tr("&Undo"));
    undo_->setShortcut(QKeySequence::Undo);
    redo_ = editor_->undoStack()->createRedoAction(window, tr("&Redo"));
    redo_->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence::Redo});
    window->addActions({undo_, redo_});
    smaller_ = makeAction(window, tr("S&maller Brush"), QKeySequence(tr("[")),
                          tr("Make the mask brush smaller"));
    larger_ = makeAction(window, tr("&Larger Brush"), QKeySequence(tr("]")),
                         tr("Make the mask brush larger"));
    eraser_ = makeAction(window, tr("Brush or &Eraser"), QKeySequence(tr("X")),
                         tr("Swap the mask brush and the eraser"));
    import_ = makeAction(window, tr("&Import Mask..."), QKeySequence(),
                         tr("Use an image file as the mask being painted (white = here)"));
    export_ = makeAction(window, tr("E&xport Mask..."), QKeySequence(),
                         tr("Save the mask being painted as a greyscale PNG"));

    toolBar_->hide();
    connect(mode_, &QAction::toggled, this, &MaskMode::setModeOn);
    connect(showMasks_, &QAction::toggled, this, &MaskMode::showOverlay);
    connect(smaller_, &QAction::triggered, editor_, &MaskEditor::shrinkBrush);
    connect(larger_, &QAction::triggered, editor_, &MaskEditor::growBrush);
    connect(eraser_, &QAction::triggered, editor_, &MaskEditor::toggleEraser);
    connect(import_, &QAction::triggered, this, [this] {
        const QString file = askMaskImage(window_, tr("Import Mask"));
        if (!file.isEmpty()) {
            importMaskFile(file);
        }
    });
    connect(export_, &QAction::triggered, this, [this] {
        QString file = QFileDialog::getSaveFileName(window_, tr("Export Mask"), QString(),
                                                    tr("PNG image (*.png)"));
        if (!file.isEmpty()) {
            if (!file.endsWith(".png", Qt::CaseInsensitive)) {
                file += ".png";
            }
            exportMaskFile(file);
        }
    });
    connect(&preview_, &PreviewView::strokeStarted, editor_, &MaskEditor::beginStroke);
    connect(&preview_, &PreviewView::strokeMoved, editor_, &MaskEditor::continueStroke);
    connect(&preview_, &PreviewView::strokeFinished, editor_, &MaskEditor::endStroke);
    connect(editor_, &MaskEditor::overlayChanged, &preview_, &PreviewView::setOverlay);
    connect(editor_, &MaskEditor::brushChanged, this, &MaskMode::showBrush);
    showBrush();
    showOverlay();
}

void MaskMode::addMenus(QMenu* edit, QMenu* mask) const {
    edit->addActions({undo_, redo_});
    mask->addActions({mode_, showMasks_});
    mask->addSeparator();
    mask->addActions({smaller_, larger_, eraser_});
    mask->addSeparator();
    mask->addActions({import_, export_});
}

void MaskMode::setPaintings(const QStringList& names) {
    editor_->setPaintingCount(int(names.size()));
    toolBar_->setPaintings(names);
}

void MaskMode::removePainting(int index) {
    editor_->removePainting(index);
}

void MaskMode::importMaskFile(const QString& file) {
    try {
        editor_->replaceTargetMask(loadMask(file.toStdString()));
        Q_EMIT message(tr("Mask imported from %1").arg(file));
    } catch (const std::exception& error) {
        Q_EMIT failed(QString::fromUtf8(error.what()));
    }
}

void MaskMode::askPartOfPainting(int painting) {
    const QString file = askMaskImage(window_, tr("Use Part of This Painting"));
    if (!file.isEmpty()) {
        usePartOfPainting(painting, file);
    }
}

void MaskMode::usePartOfPainting(int painting, const QString& file) {
    try {
        editor_->setSourceMask(painting, loadMask(file.toStdString()));
        Q_EMIT message(
            tr("Painting %1 gives its style from the part %2 marks").arg(painting + 1).arg(file));
    } catch (const std::exception& error) {
        Q_EMIT failed(QString::fromUtf8(error.what()));
    }
}

void MaskMode::exportMaskFile(const QString& file) {
    const std::optional<Mask> mask = editor_->targetMask();
    if (!mask) {
        Q_EMIT failed(tr("This mask is not painted yet: there is nothing to export"));
        return;
    }
    try {
        saveMask(*mask, file.toStdString());
        Q_EMIT message(tr("Mask saved as %1").arg(file));
    } catch (const std::exception& error) {
        Q_EMIT failed(QString::fromUtf8(error.what()));
    }
}

void MaskMode::setModeOn(bool on) {
    preview_.setMaskMode(on);
    toolBar_->setVisible(on);
    if (on) {
        preview_.setFocus(Qt::ShortcutFocusReason);
    }
    showOverlay();
}

void MaskMode::showOverlay() {
    preview_.setOverlayVisible(mode_->isChecked() || showMasks_->isChecked());
}

void MaskMode::setMaskSize(QSize size) {
    editor_->setMaskSize(size);
    showBrush();
}

void MaskMode::showBrush() {
    const QSize size = editor_->maskSize();
    if (!size.isEmpty()) {
        preview_.setBrushDiameter(editor_->brush().size / size.width());
    }
}

}  // namespace impasto::ui

#pragma once

#include <QDialog>
#include <QImage>
#include <QString>

#include <optional>

#include "core/image/Mask.h"

class QLabel;
class QPushButton;

namespace impasto::ui {

class MaskMode;
class PreviewView;

// Paint Region of This Painting: the painting shown with the mask mode's brush, eraser, fill,
// clear, invert, undo and redo and keys ([ ] X, Ctrl+Z, Ctrl+Shift+Z) over it, to mark the
// region its style is taken from ("use only the sky"), shown in the painting's colour. OK gives
// region() to the caller, which hands it to the run as it does an imported source mask; Clear
// Region closes with no region (all of the painting); Cancel changes nothing. The caller keeps
// the editor's history (MaskEditor::history) past OK and gives it to the painting's next dialog
// (adoptHistory), so that strokes of an earlier opening can be undone, as an image editor keeps
// a document's history.
class SourceMaskDialog : public QDialog {
    Q_OBJECT

public:
    // `picture`: the painting; `painting`: its place in the list (its colour); `region`: the
    // source mask it has now (any size: resampled to the picture's), nullopt for none.
    SourceMaskDialog(const QImage& picture, int painting, const QString& name,
                     const std::optional<Mask>& region, QWidget* parent = nullptr);

    int painting() const { return painting_; }
    // The region as painted (nullopt: all of the painting): the one given while nothing was
    // changed, none after Clear Region.
    std::optional<Mask> region() const;

    MaskMode& maskMode() const { return *mode_; }
    PreviewView* preview() const { return preview_; }
    QPushButton* okButton() const { return ok_; }
    QPushButton* cancelButton() const { return cancel_; }
    QPushButton* clearRegionButton() const { return clearRegion_; }

private:
    int painting_;
    std::optional<Mask> given_;
    PreviewView* preview_;
    MaskMode* mode_;
    QLabel* status_;
    QPushButton* ok_;
    QPushButton* cancel_;
    QPushButton* clearRegion_;
};

}  // namespace impasto::ui

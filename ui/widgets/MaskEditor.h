#pragma once

#include <QImage>
#include <QObject>
#include <QPointF>
#include <QSize>
#include <QUndoStack>

#include <optional>
#include <vector>

#include "core/image/Mask.h"
#include "ui/session/MaskSet.h"
#include "ui/widgets/MaskStroke.h"

namespace impasto::ui {

// The masks of a run as the mask mode edits them: brush strokes, fill, clear, invert and
// imported masks on the chosen target (a painting's mask or the keep mask), each one step on
// the undo stack. Strokes arrive as fractions of the picture (PreviewView's signals) and are
// painted at maskSize(), the photo's shape. Every finished change is sent as masksChanged (for
// the worker); the overlay follows every dab.
class MaskEditor : public QObject {
    Q_OBJECT

public:
    static constexpr int kKeepTarget = -1;

    // The undo history of an editor whose steps all change its target's mask (a region
    // dialog's), as plain values that outlive it: each step's name and the mask before and
    // after it, and how many are done (those after can be redone).
    struct History {
        struct Step {
            QString text;
            std::optional<Mask> before;
            std::optional<Mask> after;
        };
        std::vector<Step> steps;
        int done = 0;
    };

    // Steps kept for undo (each holds two whole masks), here and in a carried History.
    static constexpr int kUndoLimit = 30;

    explicit MaskEditor(QObject* parent = nullptr);

    // The masks' pixel size; masks there are already are resampled to it.
    void setMaskSize(QSize size);
    QSize maskSize() const { return size_; }
    const MaskSet& masks() const { return masks_; }
    // Masks from a preset or a restored run: replace these, and the undo history goes.
    void setMasks(MaskSet masks);
    // The paintings' list changed: a mask per painting, dropping the removed painting's mask.
    void setPaintingCount(int count);
    void removePainting(int index);
    int paintingCount() const { return paintingCount_; }

    // kKeepTarget or a painting's index.
    void setTarget(int target);
    int target() const { return target_; }
    // The target's mask, nullopt when it has none (a painting everywhere, nothing kept).
    std::optional<Mask> targetMask() const;

    const MaskBrush& brush() const { return brush_; }
    void setBrush(const MaskBrush& brush);
    // `[` and `]`: the brush a step smaller or larger (steps of about 20%).
    void shrinkBrush();
    void growBrush();
    // `X`: brush <-> eraser.
    void toggleEraser();

    void beginStroke(QPointF imageFraction);
    void continueStroke(QPointF imageFraction);
    void endStroke();
    // The target white everywhere; its mask removed (clear); black and white swapped.
    void fill();
    void clear();
    void invert();
    // `mask` (any size, resampled) as the target's mask, one undo step.
    void replaceTargetMask(const Mask& mask);
    // The region of `painting` its style is taken from (nullopt: all of it), kept at its own
    // size since it lies over the painting, not the photo; no undo step (it is imported whole).
    void setSourceMask(int painting, std::optional<Mask> mask);

    QUndoStack* undoStack() { return &undo_; }
    History history() const;
    // Takes `history` as the target's: its steps on the undo stack, done up to where it was,
    // the mask as it left it; the stack is clean there. False (nothing changed) when its masks
    // are not of maskSize().
    bool adoptHistory(const History& history);
    // All masks in their colours (the keep mask's on top); null when there are none.
    QImage overlay() const;

    // Sets the target's mask without an undo step (for the undo commands).
    void setMaskOf(int target, std::optional<Mask> mask);

Q_SIGNALS:
    void masksChanged(const impasto::ui::MaskSet& masks);
    void overlayChanged(const QImage& overlay);
    void brushChanged();
    void targetChanged(int target);

private:
    // The target's mask, or a new one of maskSize() where a stroke starts: black (painting
    // where a painting applies starts from nowhere), white to erase from a painting's
    // everywhere.
    Mask targetOrBlank() const;
    // One undo step setting the target's mask to `after` (none when it changes nothing).
    void pushChange(const QString& text, std::optional<Mask> after);
    QPointF toMaskPixels(QPointF imageFraction) const;

    QSize size_;
    MaskSet masks_;
    int paintingCount_ = 0;
    int target_ = kKeepTarget;  // the first painting's once there is one
    MaskBrush brush_;
    std::optional<MaskStroke> stroke_;
    std::optional<Mask> maskBeforeStroke_;  // the target's, for the stroke's undo step
    QUndoStack undo_;
};

}  // namespace impasto::ui

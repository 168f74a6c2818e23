#pragma once

#include <QList>
#include <QToolBar>

class QComboBox;
class QSpinBox;
class QToolButton;

namespace impasto::ui {

class MaskEditor;

// The mask mode's controls, shown while it is on: which mask is painted (a painting's, in its
// card's colour, or the keep-the-photo mask), brush or eraser, the brush's size, hardness and
// opacity, and fill, clear and invert. It follows the editor (keys change the brush too) and
// changes it.
class MaskToolBar : public QToolBar {
    Q_OBJECT

public:
    explicit MaskToolBar(MaskEditor& editor, QWidget* parent = nullptr);

    // The paintings' names, in order, for the target list.
    void setPaintings(const QStringList& names);
    // Hides the choice of mask where only one is painted (a painting's source region).
    void setTargetChoiceVisible(bool visible);

    QComboBox* targetBox() const { return target_; }
    QSpinBox* sizeBox() const { return size_; }
    QSpinBox* hardnessBox() const { return hardness_; }
    QSpinBox* opacityBox() const { return opacity_; }
    QToolButton* eraserButton() const { return eraser_; }

private:
    void showBrush();
    void sendBrush();

    MaskEditor& editor_;
    QComboBox* target_;
    QToolButton* eraser_;
    QSpinBox* size_;
    QSpinBox* hardness_;
    QSpinBox* opacity_;
    QList<QAction*> targetActions_;  // the target list, its label and the separator after it
};

}  // namespace impasto::ui

#pragma once

#include <QWidget>

#include "ui/widgets/ParameterRange.h"
#include "ui/widgets/SliderScale.h"

class QDoubleSpinBox;
class QLabel;
class QSlider;
class QToolButton;

namespace impasto::ui {

// One setting as a row: label, slider (coarse, linear or log-spaced), spin box (exact value;
// typed values apply on Enter or when focus leaves) and a small reset-to-default button.
// valueChanged is emitted exactly once per change of value(), whichever way it changed, and
// never for a value that stays the same. setToolTip() also applies to the slider and spin box.
class ParameterControl : public QWidget {
    Q_OBJECT

public:
    ParameterControl(const QString& label, const ParameterRange& range, QWidget* parent = nullptr);

    double value() const { return value_; }
    // Clamped to the range and rounded to its decimals.
    void setValue(double value);
    void reset();
    const ParameterRange& range() const { return range_; }

    QLabel* label() const { return label_; }
    QSlider* slider() const { return slider_; }
    QDoubleSpinBox* spinBox() const { return spinBox_; }
    QToolButton* resetButton() const { return resetButton_; }

Q_SIGNALS:
    void valueChanged(double value);

protected:
    bool event(QEvent* event) override;

private:
    double normalized(double value) const;
    void applyFromSlider(int position);
    void applyFromSpinBox(double value);
    // Stores `value` and shows it in the editors other than `source`; emits when it changed.
    void store(double value, const QWidget* source);

    ParameterRange range_;
    SliderScale scale_;
    double value_;
    QLabel* label_;
    QSlider* slider_;
    QDoubleSpinBox* spinBox_;
    QToolButton* resetButton_;
};

}  // namespace impasto::ui

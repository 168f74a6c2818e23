#include "ui/widgets/ParameterControl.h"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>

#include <algorithm>
#include <cmath>

#include "ui/widgets/ResetIcon.h"

namespace impasto::ui {

ParameterControl::ParameterControl(const QString& label, const ParameterRange& range,
                                   QWidget* parent)
    : QWidget(parent),
      range_(range),
      scale_(range),
      value_(0.0),
      label_(new QLabel(label, this)),
      slider_(new QSlider(Qt::Horizontal, this)),
      spinBox_(new QDoubleSpinBox(this)),
      resetButton_(new QToolButton(this)) {
    range_.maximum = std::max(range_.minimum, range_.maximum);
    value_ = normalized(range_.defaultValue);
    const QString name = label.isEmpty() ? tr("Value") : QString(label).remove('&');

    label_->setBuddy(spinBox_);
    label_->setVisible(!label.isEmpty());

    slider_->setRange(0, SliderScale::kPositions);
    slider_->setSingleStep(SliderScale::kPositions / 100);
    slider_->setPageStep(SliderScale::kPositions / 10);
    slider_->setValue(scale_.toPosition(value_));
    slider_->setMinimumWidth(80);
    slider_->setAccessibleName(name);
    slider_->setAccessibleDescription(range_.logarithmic ? tr("Logarithmic scale") : QString());

    spinBox_->setDecimals(range_.decimals);
    spinBox_->setRange(range_.minimum, range_.maximum);
    spinBox_->setSuffix(range_.suffix);
    spinBox_->setKeyboardTracking(false);  // a typed number applies once, not digit by digit
    spinBox_->setAccelerated(true);
    if (range_.logarithmic) {
        spinBox_->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    } else {
        spinBox_->setSingleStep(
            std::max(std::pow(10.0, -range_.decimals), (range_.maximum - range_.minimum) / 100.0));
    }
    spinBox_->setValue(value_);
    spinBox_->setAccessibleName(name);
    spinBox_->setMinimumWidth(spinBox_->sizeHint().width());

    resetButton_->setIcon(resetIcon(this));
    resetButton_->setText(tr("Reset"));
    resetButton_->setAutoRaise(true);
    resetButton_->setFocusPolicy(Qt::TabFocus);
    resetButton_->setToolTip(
        tr("Reset to %1")
            .arg(spinBox_->textFromValue(normalized(range_.defaultValue)) + range_.suffix));
    resetButton_->setAccessibleName(tr("Reset %1").arg(name));
    resetButton_->setEnabled(false);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label_);
    layout->addWidget(slider_, 1);
    layout->addWidget(spinBox_);
    layout->addWidget(resetButton_);
    setFocusProxy(spinBox_);
    setTabOrder(slider_, spinBox_);
    setTabOrder(spinBox_, resetButton_);

    connect(slider_, &QSlider::valueChanged, this, &ParameterControl::applyFromSlider);
    connect(spinBox_, &QDoubleSpinBox::valueChanged, this, &ParameterControl::applyFromSpinBox);
    connect(resetButton_, &QToolButton::clicked, this, &ParameterControl::reset);
}

void ParameterControl::setValue(double value) {
    store(normalized(value), nullptr);
}

void ParameterControl::reset() {
    setValue(range_.defaultValue);
}

bool ParameterControl::event(QEvent* event) {
    if (event->type() == QEvent::ToolTipChange) {
        slider_->setToolTip(toolTip());
        spinBox_->setToolTip(toolTip());
        label_->setToolTip(toolTip());
    }
    return QWidget::event(event);
}

double ParameterControl::normalized(double value) const {
    if (std::isnan(value)) {
        return value_;
    }
    const double scale = std::pow(10.0, range_.decimals);
    const double rounded = std::round(value * scale) / scale;
    return std::clamp(std::isfinite(rounded) ? rounded : value, range_.minimum, range_.maximum);
}

void ParameterControl::applyFromSlider(int position) {
    store(normalized(scale_.toValue(position)), slider_);
}

void ParameterControl::applyFromSpinBox(double value) {
    store(normalized(value), spinBox_);
}

void ParameterControl::store(double value, const QWidget* source) {
    // The editor the change came from keeps its state (a slider under the mouse stays where it
    // is dragged even when the value rounds); the other one follows without signalling back.
    if (source != slider_) {
        const QSignalBlocker blocker(slider_);
        slider_->setValue(scale_.toPosition(value));
    }
    if (source != spinBox_) {
        const QSignalBlocker blocker(spinBox_);
        spinBox_->setValue(value);
    }
    resetButton_->setEnabled(value != normalized(range_.defaultValue));
    if (value == value_) {
        return;
    }
    value_ = value;
    Q_EMIT valueChanged(value_);
}

}  // namespace impasto::ui

#include "ui/widgets/StrengthSlider.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>

#include <cmath>

namespace impasto::ui {

StrengthSlider::StrengthSlider(QWidget* parent)
    : QWidget(parent), slider_(new QSlider(Qt::Horizontal)), value_(new QLabel) {
    slider_->setRange(0, 100);
    slider_->setValue(100);
    slider_->setFixedWidth(120);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);  // not all of a toolbar's room
    slider_->setAccessibleName(tr("Strength"));
    setToolTip(
        tr("How much of the painted picture shows over the photo, in the preview and "
           "the export; the run goes on unchanged"));
    value_->setMinimumWidth(value_->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->addWidget(new QLabel(tr("Strength")));
    layout->addWidget(slider_);
    layout->addWidget(value_);
    const auto show = [this](int percent) { value_->setText(QStringLiteral("%1 %").arg(percent)); };
    show(slider_->value());
    connect(slider_, &QSlider::valueChanged, this, [this, show](int percent) {
        show(percent);
        Q_EMIT strengthChanged(percent / 100.0);
    });
}

double StrengthSlider::strength() const {
    return slider_->value() / 100.0;
}

void StrengthSlider::setStrength(double strength) {
    slider_->setValue(int(std::lround(strength * 100.0)));
}

}  // namespace impasto::ui

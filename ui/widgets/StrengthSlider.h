#pragma once

#include <QWidget>

class QLabel;
class QSlider;

namespace impasto::ui {

// "Strength": how much of the painted result shows over the photo, 0..100%, like a layer's
// opacity. The blend itself is the worker's (core/image/StrengthBlend.h); this only chooses.
class StrengthSlider : public QWidget {
    Q_OBJECT

public:
    explicit StrengthSlider(QWidget* parent = nullptr);

    // 0..1.
    double strength() const;
    void setStrength(double strength);
    QSlider* slider() const { return slider_; }

Q_SIGNALS:
    void strengthChanged(double strength);

private:
    QSlider* slider_;
    QLabel* value_;
};

}  // namespace impasto::ui

#pragma once

#include <QObject>

class QWidget;

namespace impasto::ui {

// Makes the mouse wheel scroll a scrolling panel instead of changing whichever spin box, combo
// box or slider happens to be under the pointer: in the panel such a field takes the wheel only
// once it has focus (a click or Tab gives it; the wheel no longer does). Watches the panel for
// fields added later (the layer list's rows), so installing it once is enough.
class ScrollFriendlyWheel : public QObject {
    Q_OBJECT

public:
    // Guards every field under `panel`, now and later; owned by `panel`.
    static void install(QWidget* panel);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit ScrollFriendlyWheel(QObject* parent);
    void watch(QWidget* widget);
};

}  // namespace impasto::ui

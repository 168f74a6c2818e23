#include "ui/widgets/ScrollFriendlyWheel.h"

#include <QAbstractScrollArea>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QChildEvent>
#include <QComboBox>
#include <QScrollBar>
#include <QWheelEvent>

namespace impasto::ui {

namespace {

bool isField(const QWidget* widget) {
    return qobject_cast<const QAbstractSpinBox*>(widget) != nullptr ||
           qobject_cast<const QComboBox*>(widget) != nullptr ||
           (qobject_cast<const QAbstractSlider*>(widget) != nullptr &&
            qobject_cast<const QScrollBar*>(widget) == nullptr);
}

// The field itself, or the spin box or combo box whose part (line edit) `widget` is.
QWidget* fieldOf(QWidget* widget) {
    for (QWidget* at = widget; at != nullptr; at = at->parentWidget()) {
        if (isField(at)) {
            return at;
        }
    }
    return nullptr;
}

QAbstractScrollArea* scrollAreaAround(QWidget* widget) {
    for (QWidget* at = widget->parentWidget(); at != nullptr; at = at->parentWidget()) {
        if (auto* area = qobject_cast<QAbstractScrollArea*>(at)) {
            return area;
        }
    }
    return nullptr;
}

}  // namespace

ScrollFriendlyWheel::ScrollFriendlyWheel(QObject* parent) : QObject(parent) {}

void ScrollFriendlyWheel::install(QWidget* panel) {
    auto* guard = new ScrollFriendlyWheel(panel);
    guard->watch(panel);
}

void ScrollFriendlyWheel::watch(QWidget* widget) {
    widget->installEventFilter(this);  // a second install replaces the first
    if (isField(widget)) {
        widget->setFocusPolicy(Qt::StrongFocus);  // the wheel gives no focus
    }
    for (QWidget* child : widget->findChildren<QWidget*>(Qt::FindDirectChildrenOnly)) {
        watch(child);
    }
}

bool ScrollFriendlyWheel::eventFilter(QObject* watched, QEvent* event) {
    auto* widget = qobject_cast<QWidget*>(watched);
    if (widget == nullptr) {
        return false;
    }
    if (event->type() == QEvent::ChildAdded) {
        if (auto* child = qobject_cast<QWidget*>(static_cast<QChildEvent*>(event)->child())) {
            watch(child);
        }
        return false;
    }
    if (event->type() != QEvent::Wheel) {
        return false;
    }
    QWidget* field = fieldOf(widget);
    if (field == nullptr || field->hasFocus() || field->isAncestorOf(QApplication::focusWidget())) {
        return false;
    }
    // Not the field's: the panel scrolls.
    if (QAbstractScrollArea* area = scrollAreaAround(field)) {
        QApplication::sendEvent(area->verticalScrollBar(), event);
    }
    return true;
}

}  // namespace impasto::ui

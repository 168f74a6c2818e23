#include "ui/widgets/ElidedLabel.h"

#include <QResizeEvent>
#include <QStringList>

#include <algorithm>

namespace impasto::ui {

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent) {
    setTextFormat(Qt::PlainText);
}

void ElidedLabel::setFullText(const QString& text) {
    fullText_ = text;
    updateGeometry();
    elide();
}

void ElidedLabel::setExplanation(const QString& explanation) {
    explanation_ = explanation;
    elide();
}

QSize ElidedLabel::sizeHint() const {
    const int frame = 2 * (margin() + frameWidth()) + indent();
    return {fontMetrics().horizontalAdvance(fullText_) + frame + 2, QLabel::sizeHint().height()};
}

QSize ElidedLabel::minimumSizeHint() const {
    return {0, QLabel::minimumSizeHint().height()};
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide() {
    const int room = contentsRect().width() - 2 * margin() - indent();
    setText(fontMetrics().elidedText(fullText_, Qt::ElideRight, std::max(room, 0)));
    QStringList tip;
    if (isElided()) {
        tip.append(fullText_);
    }
    if (!explanation_.isEmpty()) {
        tip.append(explanation_);
    }
    setToolTip(tip.join(QStringLiteral("\n\n")));
}

}  // namespace impasto::ui

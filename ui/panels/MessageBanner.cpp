#include "ui/panels/MessageBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace impasto::ui {

MessageBanner::MessageBanner(QWidget* parent)
    : QFrame(parent), text_(new QLabel), closeButton_(new QToolButton) {
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    closeButton_->setText(QStringLiteral("\u2715"));
    closeButton_->setAutoRaise(true);
    closeButton_->setToolTip(tr("Close this message"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(text_, 1);
    layout->addWidget(closeButton_);
    connect(closeButton_, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBanner::showError(const QString& message) {
    showMessage(message, true);
}

void MessageBanner::showInformation(const QString& message) {
    showMessage(message, false);
}

QString MessageBanner::text() const {
    return text_->text();
}

void MessageBanner::showMessage(const QString& message, bool error) {
    // Warm for errors, the palette's tooltip colours for notes: readable in light and dark themes.
    QPalette colours = palette();
    colours.setColor(QPalette::Window,
                     error ? QColor(0xf8, 0xd7, 0xda) : palette().toolTipBase().color());
    colours.setColor(QPalette::WindowText,
                     error ? QColor(0x58, 0x15, 0x1c) : palette().toolTipText().color());
    setPalette(colours);
    text_->setText(message);
    show();
}

}  // namespace impasto::ui

#include "ui/panels/MessageBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

namespace impasto::ui {

MessageBanner::MessageBanner(QWidget* parent)
    : QFrame(parent),
      text_(new QLabel),
      acceptButton_(new QPushButton),
      declineButton_(new QPushButton),
      closeButton_(new QToolButton) {
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
    layout->addWidget(acceptButton_);
    layout->addWidget(declineButton_);
    layout->addWidget(closeButton_);
    acceptButton_->hide();
    declineButton_->hide();
    connect(closeButton_, &QToolButton::clicked, this, &QWidget::hide);
    connect(acceptButton_, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT offerAccepted();
    });
    connect(declineButton_, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT offerDeclined();
    });
    hide();
}

void MessageBanner::showError(const QString& message) {
    showMessage(message, true);
}

void MessageBanner::addLoadError(const QString& message) {
    QStringList errors = isHidden() ? QStringList() : loadErrors_;
    if (!errors.contains(message)) {
        errors.append(message);
    }
    // A bullet a file, so that wrapped lines still read as one message each.
    const QString bullet = QStringLiteral("\u2022 ");
    showMessage(errors.size() == 1 ? errors.front() : bullet + errors.join('\n' + bullet), true);
    loadErrors_ = errors;
}

void MessageBanner::clearLoadErrors() {
    if (!loadErrors_.isEmpty()) {
        hide();
    }
}

void MessageBanner::showInformation(const QString& message) {
    showMessage(message, false);
}

void MessageBanner::showOffer(const QString& message, const QString& acceptText,
                              const QString& declineText) {
    showMessage(message, false);
    acceptButton_->setText(acceptText);
    declineButton_->setText(declineText);
    acceptButton_->show();
    declineButton_->show();
    closeButton_->hide();
    acceptButton_->setDefault(true);
}

QString MessageBanner::text() const {
    return text_->text();
}

void MessageBanner::clearMessage() {
    if (acceptButton_->isHidden() && loadErrors_.isEmpty()) {
        hide();
    }
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
    loadErrors_.clear();
    acceptButton_->hide();
    declineButton_->hide();
    closeButton_->show();
    show();
}

}  // namespace impasto::ui

#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QToolButton;

namespace impasto::ui {

// A one-line message across the top of the window: what went wrong and what to do, without a
// modal dialog that would stop the picture forming. Closed by its button or the next message.
class MessageBanner : public QFrame {
    Q_OBJECT

public:
    explicit MessageBanner(QWidget* parent = nullptr);

    void showError(const QString& message);
    void showInformation(const QString& message);
    // A question with two answers (such as restoring an autosaved run); answering hides it.
    void showOffer(const QString& message, const QString& acceptText, const QString& declineText);
    QString text() const;
    QPushButton* acceptButton() const { return acceptButton_; }
    QPushButton* declineButton() const { return declineButton_; }

Q_SIGNALS:
    void offerAccepted();
    void offerDeclined();

private:
    void showMessage(const QString& message, bool error);

    QLabel* text_;
    QPushButton* acceptButton_;
    QPushButton* declineButton_;
    QToolButton* closeButton_;
};

}  // namespace impasto::ui

#pragma once

#include <QFrame>
#include <QStringList>

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
    // Lists a file that could not be loaded under those already shown: several files dropped or
    // chosen at once fail one by one, and each says why. Starts a new list once the banner has
    // been closed or has shown anything else.
    void addLoadError(const QString& message);
    // Hides the list of load errors when the user opens other files (the list is about those
    // that failed last); anything else shown stays.
    void clearLoadErrors();
    void showInformation(const QString& message);
    // A question with two answers (such as restoring an autosaved run); answering hides it.
    void showOffer(const QString& message, const QString& acceptText, const QString& declineText);
    // Hides an error or a note whose cause is gone; an offer stays until it is answered, load
    // errors until closed (a file that loads does not mend another).
    void clearMessage();
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
    QStringList loadErrors_;  // shown, one a line; empty when the banner shows anything else
};

}  // namespace impasto::ui

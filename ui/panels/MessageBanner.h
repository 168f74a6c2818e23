#pragma once

#include <QFrame>

class QLabel;
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
    QString text() const;

private:
    void showMessage(const QString& message, bool error);

    QLabel* text_;
    QToolButton* closeButton_;
};

}  // namespace impasto::ui

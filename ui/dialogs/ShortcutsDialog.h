#pragma once

#include <QDialog>
#include <QList>

class QAction;
class QTableWidget;

namespace impasto::ui {

// Help > Keyboard Shortcuts: every given action that has a shortcut, with its key, read from
// the actions themselves so that the list cannot fall behind the menus.
class ShortcutsDialog : public QDialog {
    Q_OBJECT

public:
    explicit ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);

    QTableWidget* table() const { return table_; }

private:
    QTableWidget* table_;
};

}  // namespace impasto::ui

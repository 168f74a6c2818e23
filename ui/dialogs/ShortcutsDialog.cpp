#include "ui/dialogs/ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace impasto::ui {

ShortcutsDialog::ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent)
    : QDialog(parent), table_(new QTableWidget(0, 2, this)) {
    setWindowTitle(tr("Keyboard Shortcuts"));
    table_->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    for (const QAction* action : actions) {
        if (action->shortcut().isEmpty()) {
            continue;
        }
        const int row = table_->rowCount();
        table_->insertRow(row);
        QString name = action->text();
        name.remove(QLatin1Char('&')).remove(QStringLiteral("..."));
        auto* nameItem = new QTableWidgetItem(name);
        nameItem->setToolTip(action->statusTip());
        table_->setItem(row, 0, nameItem);
        table_->setItem(
            row, 1, new QTableWidgetItem(action->shortcut().toString(QKeySequence::NativeText)));
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table_);
    layout->addWidget(buttons);
    resize(420, 520);
}

}  // namespace impasto::ui

#pragma once

#include <QString>
#include <QWidget>

class QComboBox;

namespace impasto::ui {

// The model to run: the installed registry models, the weight file in use (if it is none of
// them), and "Open Weight File..." at the end.
class ModelSelector : public QWidget {
    Q_OBJECT

public:
    explicit ModelSelector(QWidget* parent = nullptr);

    // Lists the registry models installed now; true when there is at least one.
    bool refresh();
    // Shows the loaded model: a registry name, or a file listed by its name.
    void setCurrentModel(const QString& nameOrFile);
    QString currentModel() const;
    QComboBox* comboBox() const { return box_; }

Q_SIGNALS:
    void modelChosen(const QString& nameOrFile);
    void openFileRequested();

private:
    void chosen(int index);
    int openItemIndex() const;

    QComboBox* box_;
    QString current_;
};

}  // namespace impasto::ui

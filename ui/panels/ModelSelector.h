#pragma once

#include <QString>
#include <QWidget>

class QComboBox;

namespace impasto::ui {

// The model to run: the installed registry models and the weight files opened before, each by
// a name for people with its size on disk (the path in the tooltip), and "Open Weight File..."
// at the end.
class ModelSelector : public QWidget {
    Q_OBJECT

public:
    explicit ModelSelector(QWidget* parent = nullptr);

    // Lists the registry models installed now and the remembered files (AppSettings); true when
    // a registry model is installed.
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
    void addModel(const QString& name, const QString& file, const QString& nameOrFile);
    int openItemIndex() const;

    QComboBox* box_;
    QString current_;
};

}  // namespace impasto::ui

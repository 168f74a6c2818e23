#include "ui/panels/ModelSelector.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

#include "core/common/Error.h"
#include "core/registry/ModelRegistry.h"

namespace impasto::ui {

ModelSelector::ModelSelector(QWidget* parent) : QWidget(parent), box_(new QComboBox) {
    box_->setToolTip(
        tr("The trained network that sees style: VGG-19 gives the classic look, SqueezeNet is "
           "several times faster"));
    box_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    box_->setMinimumContentsLength(16);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Model")));
    layout->addWidget(box_, 1);
    connect(box_, &QComboBox::activated, this, &ModelSelector::chosen);
    refresh();
}

bool ModelSelector::refresh() {
    const QSignalBlocker blocker(box_);
    box_->clear();
    int installed = 0;
    try {
        const ModelRegistry registry = ModelRegistry::loadBuiltIn();
        for (const RegisteredModel& model : registry.models()) {
            if (registry.locate(model)) {
                box_->addItem(QString::fromStdString(model.title),
                              QString::fromStdString(model.name));
                ++installed;
            }
        }
    } catch (const Error&) {
        // No readable manifest: weight files can still be opened.
    }
    box_->addItem(tr("Open Weight File..."));
    setCurrentModel(current_);
    return installed > 0;
}

int ModelSelector::openItemIndex() const {
    return box_->count() - 1;
}

void ModelSelector::setCurrentModel(const QString& nameOrFile) {
    const QSignalBlocker blocker(box_);
    current_ = nameOrFile;
    if (nameOrFile.isEmpty()) {
        box_->setCurrentIndex(-1);
        return;
    }
    int index = box_->findData(nameOrFile);
    if (index < 0) {
        // A file of the user's own: one entry for it, before "Open Weight File...".
        const int fileItem = box_->findData(QStringLiteral("file"), Qt::UserRole + 1);
        if (fileItem >= 0) {
            box_->removeItem(fileItem);
        }
        index = openItemIndex();
        box_->insertItem(index, QFileInfo(nameOrFile).fileName(), nameOrFile);
        box_->setItemData(index, QStringLiteral("file"), Qt::UserRole + 1);
        box_->setItemData(index, nameOrFile, Qt::ToolTipRole);
    }
    box_->setCurrentIndex(index);
}

QString ModelSelector::currentModel() const {
    return current_;
}

void ModelSelector::chosen(int index) {
    if (index == openItemIndex()) {
        setCurrentModel(current_);  // stays on the model in use until a file is chosen
        Q_EMIT openFileRequested();
        return;
    }
    const QString model = box_->itemData(index).toString();
    if (model != current_) {
        Q_EMIT modelChosen(model);
    }
}

}  // namespace impasto::ui

#include "ui/panels/ModelSelector.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>

#include "core/common/Error.h"
#include "core/registry/ModelRegistry.h"
#include "ui/settings/AppSettings.h"

namespace impasto::ui {

namespace {

constexpr int kFileRole = Qt::UserRole + 1;  // the model's file, absolute

}  // namespace

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
            if (const auto file = registry.locate(model)) {
                addModel(QString::fromStdString(model.title),
                         QString::fromStdString(file->string()),
                         QString::fromStdString(model.name));
                ++installed;
            }
        }
    } catch (const Error&) {
        // No readable manifest: weight files can still be opened.
    }
    for (const AppSettings::RememberedModel& model : AppSettings().modelFiles()) {
        if (box_->findData(model.file, kFileRole) < 0) {
            addModel(model.title.isEmpty() ? QFileInfo(model.file).completeBaseName() : model.title,
                     model.file, model.file);
        }
    }
    box_->addItem(tr("Open Weight File..."));
    setCurrentModel(current_);
    return installed > 0;
}

void ModelSelector::addModel(const QString& name, const QString& file, const QString& nameOrFile) {
    const qint64 bytes = QFileInfo(file).size();
    box_->addItem(
        bytes > 0 ? tr("%1 \u2013 %2").arg(name, QLocale().formattedDataSize(bytes)) : name,
        nameOrFile);
    box_->setItemData(box_->count() - 1, QFileInfo(file).absoluteFilePath(), kFileRole);
    box_->setItemData(box_->count() - 1, file, Qt::ToolTipRole);
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
        index = box_->findData(QFileInfo(nameOrFile).absoluteFilePath(), kFileRole);
    }
    if (index < 0) {
        // A file not remembered yet: listed until the next refresh.
        const QSignalBlocker unsignalled(box_);
        box_->removeItem(openItemIndex());
        addModel(QFileInfo(nameOrFile).completeBaseName(), nameOrFile, nameOrFile);
        box_->addItem(tr("Open Weight File..."));
        index = openItemIndex() - 1;
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

#include "ui/widgets/LayerWeightsEditor.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ui/widgets/ParameterControl.h"

namespace impasto::ui {

namespace {

const ParameterRange kLayerWeight{.minimum = 0.0,
                                  .maximum = 2.0,
                                  .defaultValue = 1.0,
                                  .decimals = 2,
                                  .logarithmic = false,
                                  .suffix = {}};

}  // namespace

LayerWeightsEditor::LayerWeightsEditor(QWidget* parent)
    : QWidget(parent),
      rowsWidget_(new QWidget),
      rowsLayout_(new QVBoxLayout(rowsWidget_)),
      resetButton_(new QPushButton(tr("Reset to Recommended"), this)) {
    rowsLayout_->setContentsMargins(0, 0, 0, 0);
    rowsLayout_->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(rowsWidget_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::StyledPanel);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumHeight(120);
    scroll->setFocusPolicy(Qt::NoFocus);  // the rows inside take focus themselves

    resetButton_->setToolTip(tr("Choose the layers and weights recommended for this network"));
    resetButton_->setEnabled(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(resetButton_);
    layout->addLayout(buttons);

    setAccessibleName(tr("Network layers"));
    connect(resetButton_, &QPushButton::clicked, this, &LayerWeightsEditor::resetToRecommended);
}

void LayerWeightsEditor::setLayers(const QStringList& available,
                                   const QList<QPair<QString, double>>& chosen) {
    for (const Row& row : rows_) {
        delete row.checkBox->parentWidget();
    }
    rows_.clear();
    for (const QString& layer : available) {
        addRow(layer);
    }
    apply(chosen);
    updateResetButton();
}

QList<QPair<QString, double>> LayerWeightsEditor::chosenLayers() const {
    QList<QPair<QString, double>> chosen;
    for (const Row& row : rows_) {
        if (row.checkBox->isChecked()) {
            chosen.append({row.layer, row.weight->value()});
        }
    }
    return chosen;
}

QStringList LayerWeightsEditor::availableLayers() const {
    QStringList layers;
    for (const Row& row : rows_) {
        layers.append(row.layer);
    }
    return layers;
}

void LayerWeightsEditor::setRecommended(const QList<QPair<QString, double>>& recommended) {
    recommended_ = recommended;
    updateResetButton();
}

void LayerWeightsEditor::resetToRecommended() {
    if (apply(recommended_)) {
        Q_EMIT layersChanged();
    }
}

QCheckBox* LayerWeightsEditor::checkBox(int row) const {
    return row >= 0 && row < rows_.size() ? rows_[row].checkBox : nullptr;
}

ParameterControl* LayerWeightsEditor::weightControl(int row) const {
    return row >= 0 && row < rows_.size() ? rows_[row].weight : nullptr;
}

void LayerWeightsEditor::addRow(const QString& layer) {
    auto* rowWidget = new QWidget(rowsWidget_);
    auto* checkBox = new QCheckBox(layer, rowWidget);
    auto* weight = new ParameterControl(QString(), kLayerWeight, rowWidget);
    checkBox->setToolTip(tr("Use layer %1").arg(layer));
    weight->setToolTip(tr("Weight of layer %1").arg(layer));
    weight->slider()->setAccessibleName(tr("Weight of %1").arg(layer));
    weight->spinBox()->setAccessibleName(tr("Weight of %1").arg(layer));
    weight->resetButton()->hide();  // the editor has one reset for all layers
    weight->setEnabled(false);

    auto* layout = new QHBoxLayout(rowWidget);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(checkBox);
    layout->addWidget(weight, 1);
    // Checkboxes line up with the widest layer name so the sliders form one column.
    checkBox->setMinimumWidth(checkBox->fontMetrics().horizontalAdvance(QStringLiteral("fire99 ")) +
                              checkBox->sizeHint().height() + 8);
    rowsLayout_->insertWidget(rowsLayout_->count() - 1, rowWidget);

    connect(checkBox, &QCheckBox::toggled, this, [this, weight](bool checked) {
        weight->setEnabled(checked);
        if (!applying_) {
            updateResetButton();
            Q_EMIT layersChanged();
        }
    });
    connect(weight, &ParameterControl::valueChanged, this, [this] {
        if (!applying_) {
            updateResetButton();
            Q_EMIT layersChanged();
        }
    });
    rows_.append({layer, checkBox, weight});
}

bool LayerWeightsEditor::apply(const QList<QPair<QString, double>>& chosen) {
    const QList<QPair<QString, double>> before = chosenLayers();
    applying_ = true;
    for (const Row& row : rows_) {
        const auto found = std::find_if(chosen.begin(), chosen.end(), [&](const auto& entry) {
            return entry.first == row.layer;
        });
        row.checkBox->setChecked(found != chosen.end());
        if (found != chosen.end()) {
            row.weight->setValue(found->second);
        }
    }
    applying_ = false;
    updateResetButton();
    return chosenLayers() != before;
}

void LayerWeightsEditor::updateResetButton() {
    // What resetToRecommended would choose: the known layers, in network order, with weights as
    // the controls round them.
    QList<QPair<QString, double>> recommended;
    for (const Row& row : rows_) {
        const auto found =
            std::find_if(recommended_.begin(), recommended_.end(),
                         [&](const auto& entry) { return entry.first == row.layer; });
        if (found != recommended_.end()) {
            const double weight = std::round(found->second * 100.0) / 100.0;
            recommended.append(
                {row.layer, std::clamp(weight, kLayerWeight.minimum, kLayerWeight.maximum)});
        }
    }
    resetButton_->setEnabled(!recommended.isEmpty() && recommended != chosenLayers());
}

}  // namespace impasto::ui

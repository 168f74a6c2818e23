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

#include "ui/widgets/LayerRole.h"
#include "ui/widgets/ParameterControl.h"

namespace impasto::ui {

namespace {

const ParameterRange kLayerWeight{.minimum = 0.0,
                                  .maximum = 2.0,
                                  .defaultValue = 1.0,
                                  .decimals = 2,
                                  .logarithmic = false,
                                  .suffix = {}};
constexpr int kMinimumListHeight = 120;
constexpr int kMaximumListHeight = 600;

}  // namespace

LayerWeightsEditor::LayerWeightsEditor(QWidget* parent)
    : QWidget(parent),
      rowsWidget_(new QWidget),
      rowsLayout_(new QVBoxLayout(rowsWidget_)),
      scroll_(new QScrollArea(this)),
      resetButton_(new QPushButton(tr("Reset to Recommended"), this)) {
    rowsLayout_->setContentsMargins(0, 0, 0, 0);
    rowsLayout_->addStretch(1);

    scroll_->setWidget(rowsWidget_);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::StyledPanel);
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll_->setMinimumHeight(kMinimumListHeight);
    scroll_->setFocusPolicy(Qt::NoFocus);  // the rows inside take focus themselves

    resetButton_->setToolTip(tr("Choose the layers and weights recommended for this network"));
    resetButton_->setEnabled(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll_, 1);
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
        addRow(layer,
               layerRole(static_cast<int>(rows_.size()), static_cast<int>(available.size())));
    }
    // Checkboxes line up with the widest role so the sliders form one column.
    int widest = 0;
    for (const Row& row : rows_) {
        widest = std::max(widest, row.checkBox->sizeHint().width());
    }
    for (const Row& row : rows_) {
        row.checkBox->setMinimumWidth(widest);
    }
    apply(chosen);
    updateResetButton();
    // Tall enough for every row (up to a screenful): the panel scrolls, not a little box.
    const int rowHeight =
        rows_.isEmpty()
            ? 0
            : rows_.first().checkBox->parentWidget()->sizeHint().height() + rowsLayout_->spacing();
    const int rowsHeight = static_cast<int>(rows_.size()) * rowHeight + 2 * scroll_->frameWidth();
    scroll_->setMinimumHeight(std::clamp(rowsHeight, kMinimumListHeight, kMaximumListHeight));
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

void LayerWeightsEditor::addRow(const QString& layer, const QString& role) {
    auto* rowWidget = new QWidget(rowsWidget_);
    auto* checkBox = new QCheckBox(role, rowWidget);
    auto* weight = new ParameterControl(QString(), kLayerWeight, rowWidget);
    checkBox->setToolTip(
        tr("Match the painting at this depth of the network (layer %1)").arg(layer));
    weight->setToolTip(tr("Weight of layer %1").arg(layer));
    weight->slider()->setAccessibleName(tr("Weight of %1").arg(layer));
    weight->spinBox()->setAccessibleName(tr("Weight of %1").arg(layer));
    weight->resetButton()->hide();  // the editor has one reset for all layers
    weight->setEnabled(false);

    auto* layout = new QHBoxLayout(rowWidget);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(checkBox);
    layout->addWidget(weight, 1);
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

#pragma once

#include <QList>
#include <QPair>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace impasto::ui {

class ParameterControl;

// A checkable list of network layers in network order, each with a weight (0..2), labelled by
// what it contributes (LayerRole) with the layer's name in the tooltip; as tall as its rows.
// Unchecked layers keep their weight so that re-checking one restores it. layersChanged is emitted
// once per user edit and by resetToRecommended() when it changes something; setLayers() is the
// caller's own state and emits nothing.
class LayerWeightsEditor : public QWidget {
    Q_OBJECT

public:
    explicit LayerWeightsEditor(QWidget* parent = nullptr);

    // `chosen` layers missing from `available` are dropped.
    void setLayers(const QStringList& available, const QList<QPair<QString, double>>& chosen);
    // The checked layers with their weights, in network order.
    QList<QPair<QString, double>> chosenLayers() const;
    QStringList availableLayers() const;

    // What the reset button restores; the button is disabled while nothing is recommended.
    void setRecommended(const QList<QPair<QString, double>>& recommended);
    void resetToRecommended();

    QCheckBox* checkBox(int row) const;
    ParameterControl* weightControl(int row) const;
    QPushButton* resetButton() const { return resetButton_; }

Q_SIGNALS:
    void layersChanged();

private:
    struct Row {
        QString layer;
        QCheckBox* checkBox;
        ParameterControl* weight;
    };

    void addRow(const QString& layer, const QString& role);
    // Checks exactly `chosen` (weights included) without emitting per row; true if it changed.
    bool apply(const QList<QPair<QString, double>>& chosen);
    void updateResetButton();

    QList<Row> rows_;
    QList<QPair<QString, double>> recommended_;
    bool applying_ = false;
    QWidget* rowsWidget_;
    QVBoxLayout* rowsLayout_;
    QScrollArea* scroll_;
    QPushButton* resetButton_;
};

}  // namespace impasto::ui

#pragma once

#include <QStringList>
#include <QWidget>

#include <functional>

#include "core/settings/StyleSettings.h"
#include "ui/session/ModelSummary.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QDoubleSpinBox;

namespace impasto::ui {

class LayerWeightsEditor;
class ParameterControl;

// Every setting of a run, each with a tooltip and a way back to its default: the loss weights
// (log sliders with exact fields), style scale, layers, size, length, optimiser, starting image,
// colours, seed, and the performance choices: coarse-to-fine, precision and threads.
// settingsChanged is
// emitted on every user edit; the style blend is the style list's business and stays empty here.
class ParameterPanel : public QWidget {
    Q_OBJECT

public:
    explicit ParameterPanel(QWidget* parent = nullptr);

    // Offers the model's layers; chosen layers it lacks give way to its recommended ones.
    void setModel(const ModelSummary& model);
    StyleSettings settings() const;
    // Shows `settings` without emitting settingsChanged.
    void setSettings(const StyleSettings& settings);

    // Iterations of a run from its start; also how far Continue goes on.
    int iterationTarget() const;
    void setIterationTarget(int iterations);
    // Every this many iterations a snapshot is kept (0: never).
    int snapshotInterval() const;
    void setSnapshotInterval(int interval);
    // The most the network's tensors may hold at once, in MiB (0: no limit of the app's own):
    // the CLI's --memory-limit, for a run on a machine others use too.
    int memoryLimitMiB() const;
    void setMemoryLimitMiB(int mebibytes);
    // The file the run starts from when the initialisation is "Image file".
    void setInitImageName(const QString& name);

    ParameterControl* contentWeightControl() const { return contentWeight_; }
    ParameterControl* styleWeightControl() const { return styleWeight_; }
    ParameterControl* smoothnessControl() const { return smoothness_; }
    ParameterControl* styleScaleControl() const { return styleScale_; }
    LayerWeightsEditor* styleLayersEditor() const { return styleLayers_; }
    QComboBox* contentLayerBox() const { return contentLayer_; }
    QSpinBox* outputSizeBox() const { return outputSize_; }
    QSpinBox* iterationsBox() const { return iterations_; }
    QComboBox* optimizerBox() const { return optimizer_; }
    QComboBox* initBox() const { return init_; }
    QCheckBox* preserveColorsBox() const { return preserveColors_; }
    QSpinBox* seedBox() const { return seed_; }
    QCheckBox* coarseToFineBox() const { return coarseToFine_; }
    QComboBox* precisionBox() const { return precision_; }
    QSpinBox* threadsBox() const { return threads_; }
    QSpinBox* memoryLimitBox() const { return memoryLimit_; }
    QComboBox* styleLossBox() const { return styleLoss_; }
    QDoubleSpinBox* averageDecayBox() const { return averageDecay_; }
    QSpinBox* minScaleBox() const { return minScale_; }
    QSpinBox* initialIterationsBox() const { return initialIterations_; }
    QSpinBox* scaleIterationsBox() const { return scaleIterations_; }

    static constexpr int kDefaultIterations = 300;
    static constexpr int kDefaultSnapshotInterval = 50;

Q_SIGNALS:
    void settingsChanged();
    void iterationTargetChanged(int iterations);
    void snapshotIntervalChanged(int interval);
    void memoryLimitChanged(int mebibytes);
    // "Image file" was chosen as the starting image: the window asks which file.
    void initImageRequested();

private:
    QWidget* withReset(QWidget* editor, const std::function<void()>& reset);
    void showLayers(const StyleSettings& settings);
    // Selects the content layer named `layer` (the boxes show roles, not names).
    void showContentLayer(const QString& layer);
    void changed();

    ModelSummary model_;
    StyleSettings requested_;  // the settings last given to setSettings()
    bool updating_ = false;    // setSettings() is filling the editors in

    ParameterControl* contentWeight_;
    ParameterControl* styleWeight_;
    ParameterControl* smoothness_;
    ParameterControl* styleScale_;
    LayerWeightsEditor* styleLayers_;
    QComboBox* contentLayer_;
    QSpinBox* outputSize_;
    QSpinBox* iterations_;
    QSpinBox* snapshotInterval_;
    QComboBox* optimizer_;
    QComboBox* pooling_;
    QComboBox* init_;
    QLabel* initImageName_;
    QCheckBox* preserveColors_;
    QSpinBox* seed_;
    QCheckBox* coarseToFine_;
    QComboBox* precision_;
    QSpinBox* threads_;
    QSpinBox* memoryLimit_;
    QComboBox* styleLoss_;
    QDoubleSpinBox* averageDecay_;
    QSpinBox* minScale_;
    QSpinBox* initialIterations_;
    QSpinBox* scaleIterations_;
};

}  // namespace impasto::ui

#include "ui/panels/ParameterPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <limits>

#include "ui/widgets/LayerRole.h"
#include "ui/widgets/LayerWeightsEditor.h"
#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/ResetIcon.h"

namespace impasto::ui {

namespace {

const StyleSettings kDefaults;

// The weights span decades, so their sliders are log-spaced; 0 switches a term off. Each slider
// spans the two or three decades around its default that matter (a tenth of its width is then
// at most a factor of two); the spin box takes the whole range.
const ParameterRange kContentWeight{0.0, 100.0, kDefaults.contentWeight, 3, true, {}, 0.01, 10.0};
const ParameterRange kStyleWeight{0.0, 100000.0, kDefaults.styleWeight, 1, true, {}, 10.0, 10000.0};
// 0.01 barely shows, 10 is very smooth (core/settings/SmoothnessScale.h).
const ParameterRange kSmoothness{0.0, 100.0, kDefaults.tvWeight, 3, true, {}, 0.01, 10.0};
const ParameterRange kStyleScale{0.25, kMaximumStyleScale, kDefaults.styleScale, 2, true, {}, 0.25,
                                 4.0};

QList<QPair<QString, double>> toPairs(const std::vector<LayerWeight>& layers) {
    QList<QPair<QString, double>> pairs;
    for (const LayerWeight& layer : layers) {
        pairs.append({QString::fromStdString(layer.layer), layer.weight});
    }
    return pairs;
}

QList<QPair<QString, double>> recommended(const QStringList& layers) {
    QList<QPair<QString, double>> pairs;
    for (const QString& layer : layers) {
        pairs.append({layer, 1.0});
    }
    return pairs;
}

// Selects the item whose data is `value`.
void selectData(QComboBox* box, int value) {
    box->setCurrentIndex(std::max(0, box->findData(value)));
}

}  // namespace

ParameterPanel::ParameterPanel(QWidget* parent)
    : QWidget(parent),
      contentWeight_(new ParameterControl(tr("Content weight"), kContentWeight)),
      styleWeight_(new ParameterControl(tr("Style weight"), kStyleWeight)),
      smoothness_(new ParameterControl(tr("Smoothness"), kSmoothness)),
      styleScale_(new ParameterControl(tr("Style scale"), kStyleScale)),
      styleLayers_(new LayerWeightsEditor),
      contentLayer_(new QComboBox),
      outputSize_(new QSpinBox),
      iterations_(new QSpinBox),
      snapshotInterval_(new QSpinBox),
      optimizer_(new QComboBox),
      pooling_(new QComboBox),
      init_(new QComboBox),
      initImageName_(new QLabel),
      preserveColors_(new QCheckBox(tr("Preserve the photo's colours"))),
      seed_(new QSpinBox),
      coarseToFine_(new QCheckBox(tr("Coarse to fine"))),
      precision_(new QComboBox),
      threads_(new QSpinBox),
      memoryLimit_(new QSpinBox),
      styleLoss_(new QComboBox),
      averageDecay_(new QDoubleSpinBox),
      minScale_(new QSpinBox),
      initialIterations_(new QSpinBox),
      scaleIterations_(new QSpinBox) {
    contentWeight_->setToolTip(
        tr("How strongly the result keeps the photo's structure. 0 ignores the photo."));
    styleWeight_->setToolTip(
        tr("How strongly the result takes on the painting's texture and colours."));
    smoothness_->setToolTip(
        tr("Total variation weight: 0 none, 0.1 cleans up speckle, 1 smooths, 10 smooths away "
           "fine texture."));
    styleScale_->setToolTip(
        tr("How large the painting is seen: the output size times this factor. Lower values "
           "shrink it, so that its large motifs (swirls, shapes) come across; higher values "
           "enlarge it, so that its fine brushwork does, in finer marks."));
    styleLayers_->setToolTip(
        tr("The network layers whose textures make the style, and the weight of each: early "
           "layers give fine strokes, deep layers larger motifs."));
    contentLayer_->setToolTip(
        tr("The layer whose features the result must share with the photo: deeper layers keep "
           "the layout but let the style repaint details."));

    outputSize_->setRange(kMinimumOutputSize, kMaximumOutputSize);
    outputSize_->setSingleStep(64);
    outputSize_->setSuffix(tr(" px"));
    outputSize_->setValue(kDefaults.outputSize);
    outputSize_->setToolTip(
        tr("The longest side of the result. Time and memory grow with its square."));
    iterations_->setRange(1, 100000);
    iterations_->setValue(kDefaultIterations);
    iterations_->setToolTip(
        tr("Iterations of a run; the run stops by itself there. Continue goes on for as many "
           "again."));
    snapshotInterval_->setRange(0, 100000);
    snapshotInterval_->setSpecialValueText(tr("Never"));
    snapshotInterval_->setValue(kDefaultSnapshotInterval);
    snapshotInterval_->setToolTip(
        tr("Keep a snapshot every this many iterations, to compare, export or continue from."));
    optimizer_->addItem(tr("L-BFGS"), static_cast<int>(OptimizerKind::Lbfgs));
    optimizer_->addItem(tr("Adam"), static_cast<int>(OptimizerKind::Adam));
    optimizer_->setToolTip(
        tr("L-BFGS converges in the fewest iterations; Adam needs less memory."));
    pooling_->addItem(tr("Max"), static_cast<int>(PoolingMode::Max));
    pooling_->addItem(tr("Average"), static_cast<int>(PoolingMode::Average));
    pooling_->setToolTip(
        tr("Average pooling gives smoother, more painterly results; max pooling is what the "
           "network was trained with."));
    init_->addItem(tr("Photo"), static_cast<int>(InitKind::Content));
    init_->addItem(tr("Noise"), static_cast<int>(InitKind::Noise));
    init_->addItem(tr("Image file..."), static_cast<int>(InitKind::Image));
    init_->setToolTip(tr("What a run starts from: the photo, random noise (seeded) or an image."));
    preserveColors_->setToolTip(
        tr("Keep the photo's colours and take only the painting's light and texture."));
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setToolTip(tr("The noise a run starts from when it starts from noise."));
    coarseToFine_->setChecked(kDefaults.coarseToFine);
    coarseToFine_->setToolTip(
        tr("Optimise outputs above 512 px at a lower resolution first, then refine them at full "
           "size."));

    precision_->addItem(tr("Automatic"), static_cast<int>(Precision::Auto));
    precision_->addItem(tr("float32"), static_cast<int>(Precision::Float32));
    precision_->addItem(tr("bfloat16"), static_cast<int>(Precision::Bfloat16));
    precision_->setToolTip(
        tr("The number format of the network's convolutions. bfloat16 is several times faster "
           "on processors with bfloat16 units (AMX, AVX512-BF16) and on recent GPUs, for the "
           "same picture; elsewhere it is slower. Automatic measures this machine once and "
           "picks bfloat16 only where it is faster. The status bar says which runs, and why."));
    threads_->setRange(0, kMaximumThreads);
    threads_->setSpecialValueText(tr("Automatic"));
    threads_->setToolTip(
        tr("How many processor cores the network uses. Automatic takes every core that other "
           "programs leave free and follows their load as the run goes: a core shared with a "
           "busy program would slow every step down. The status bar shows the count."));

    // 16 MiB is the least anything runs in, as for the CLI's --memory-limit.
    memoryLimit_->setRange(0, 1 << 24);
    memoryLimit_->setSingleStep(256);
    memoryLimit_->setKeyboardTracking(false);  // typing 2048 must not apply 2, 20, 204 first
    memoryLimit_->setSuffix(tr(" MiB"));
    memoryLimit_->setSpecialValueText(tr("No limit"));
    memoryLimit_->setToolTip(
        tr("The most memory the network may hold at once. A step that would need more stops "
           "with a message and keeps the picture so far, instead of pushing other programs "
           "out of memory. No limit leaves it to the system."));

    styleLoss_->addItem(tr("Gram matrices"), static_cast<int>(StyleLoss::Gram));
    styleLoss_->addItem(tr("Mean and covariance (Wasserstein)"),
                        static_cast<int>(StyleLoss::Wasserstein));
    styleLoss_->setToolTip(
        tr("What the result must share with the painting at each style layer. Gram matrices "
           "are the classic choice; mean and covariance (the Wasserstein distance) carry the "
           "painting's colour and contrast more faithfully, at several times the cost of an "
           "iteration with SqueezeNet."));
    averageDecay_->setRange(0.0, kMaximumAverageDecay);
    averageDecay_->setDecimals(4);
    averageDecay_->setSingleStep(0.05);
    averageDecay_->setSpecialValueText(tr("Off"));
    averageDecay_->setValue(kDefaults.averageDecay);
    averageDecay_->setToolTip(
        tr("Show and export the moving average of the iterations, with this decay (0.9 "
           "averages about the last ten), instead of the last one."));
    minScale_->setRange(0, kMaximumOutputSize);
    minScale_->setSingleStep(32);
    minScale_->setSuffix(tr(" px"));
    minScale_->setSpecialValueText(tr("Automatic"));
    minScale_->setToolTip(
        tr("Coarse to fine starts at the smallest halving of the output at least this large: "
           "a small start gives the large brush structure only a coarse start can. Automatic "
           "starts at 257-512 px, and only above 512 px."));
    for (QSpinBox* box : {initialIterations_, scaleIterations_}) {
        box->setRange(0, kMaximumStageIterations);
        box->setSpecialValueText(tr("Automatic"));
    }
    initialIterations_->setToolTip(
        tr("Iterations at the coarsest coarse-to-fine stage. Automatic: as many as each later "
           "stage gets, else until its loss levels off."));
    scaleIterations_->setToolTip(
        tr("Iterations at each coarse-to-fine stage after the first. Automatic: until its loss "
           "levels off, and the full size gets at least half of the run's iterations."));

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(contentWeight_);
    form->addRow(styleWeight_);
    form->addRow(smoothness_);
    form->addRow(styleScale_);
    // Above its list, so that each layer row has the panel's full width.
    form->addRow(new QLabel(tr("Style layers")));
    form->addRow(styleLayers_);
    form->addRow(tr("Content layer"), withReset(contentLayer_, [this] {
                     showContentLayer(model_.defaultContentLayers.value(0));
                 }));
    form->addRow(tr("Output size"),
                 withReset(outputSize_, [this] { outputSize_->setValue(kDefaults.outputSize); }));
    form->addRow(tr("Iterations"),
                 withReset(iterations_, [this] { iterations_->setValue(kDefaultIterations); }));
    form->addRow(tr("Snapshot every"), withReset(snapshotInterval_, [this] {
                     snapshotInterval_->setValue(kDefaultSnapshotInterval);
                 }));
    form->addRow(tr("Optimizer"), withReset(optimizer_, [this] {
                     selectData(optimizer_, static_cast<int>(kDefaults.optimizer));
                 }));
    form->addRow(tr("Pooling"), withReset(pooling_, [this] {
                     selectData(pooling_, static_cast<int>(kDefaults.pooling));
                 }));
    form->addRow(tr("Start from"),
                 withReset(init_, [this] { selectData(init_, static_cast<int>(kDefaults.init)); }));
    form->addRow(QString(), initImageName_);
    form->addRow(tr("Seed"), withReset(seed_, [this] { seed_->setValue(0); }));
    form->addRow(withReset(preserveColors_,
                           [this] { preserveColors_->setChecked(kDefaults.preserveColors); }));
    form->addRow(
        withReset(coarseToFine_, [this] { coarseToFine_->setChecked(kDefaults.coarseToFine); }));
    form->addRow(tr("Precision"), withReset(precision_, [this] {
                     selectData(precision_, static_cast<int>(kDefaults.precision));
                 }));
    form->addRow(tr("Threads"),
                 withReset(threads_, [this] { threads_->setValue(kDefaults.threads); }));
    form->addRow(tr("Memory limit"),
                 withReset(memoryLimit_, [this] { memoryLimit_->setValue(0); }));
    form->addRow(tr("Style statistics"), withReset(styleLoss_, [this] {
                     selectData(styleLoss_, static_cast<int>(kDefaults.styleLoss));
                 }));
    form->addRow(tr("Averaging"), withReset(averageDecay_, [this] {
                     averageDecay_->setValue(kDefaults.averageDecay);
                 }));
    form->addRow(tr("Smallest scale"),
                 withReset(minScale_, [this] { minScale_->setValue(kDefaults.minScale); }));
    form->addRow(tr("First scale iterations"), withReset(initialIterations_, [this] {
                     initialIterations_->setValue(kDefaults.initialIterations);
                 }));
    form->addRow(tr("Iterations per scale"), withReset(scaleIterations_, [this] {
                     scaleIterations_->setValue(kDefaults.scaleIterations);
                 }));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    initImageName_->hide();

    for (ParameterControl* control : {contentWeight_, styleWeight_, smoothness_, styleScale_}) {
        connect(control, &ParameterControl::valueChanged, this, &ParameterPanel::changed);
    }
    connect(styleLayers_, &LayerWeightsEditor::layersChanged, this, &ParameterPanel::changed);
    for (QComboBox* box : {contentLayer_, optimizer_, pooling_, precision_, styleLoss_}) {
        connect(box, &QComboBox::currentIndexChanged, this, &ParameterPanel::changed);
    }
    for (QSpinBox* box :
         {outputSize_, seed_, threads_, minScale_, initialIterations_, scaleIterations_}) {
        connect(box, &QSpinBox::valueChanged, this, &ParameterPanel::changed);
    }
    connect(averageDecay_, &QDoubleSpinBox::valueChanged, this, &ParameterPanel::changed);
    for (QCheckBox* box : {preserveColors_, coarseToFine_}) {
        connect(box, &QCheckBox::toggled, this, &ParameterPanel::changed);
    }
    connect(init_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_ && init_->currentData().toInt() == static_cast<int>(InitKind::Image)) {
            Q_EMIT initImageRequested();
        }
        changed();
    });
    connect(iterations_, &QSpinBox::valueChanged, this, [this](int value) {
        if (!updating_) {
            Q_EMIT iterationTargetChanged(value);
        }
    });
    connect(snapshotInterval_, &QSpinBox::valueChanged, this,
            &ParameterPanel::snapshotIntervalChanged);
    connect(memoryLimit_, &QSpinBox::valueChanged, this, [this](int mebibytes) {
        // Between 1 and 15 MiB nothing could run: the value jumps to the least useful one.
        if (mebibytes > 0 && mebibytes < 16) {
            memoryLimit_->setValue(mebibytes < 8 ? 0 : 16);
            return;
        }
        Q_EMIT memoryLimitChanged(mebibytes);
    });
}

QWidget* ParameterPanel::withReset(QWidget* editor, const std::function<void()>& reset) {
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(editor, 1);
    auto* button = new QToolButton;
    button->setIcon(resetIcon(this));
    button->setText(tr("Reset"));
    button->setAutoRaise(true);
    button->setToolTip(tr("Back to the default"));
    button->setAccessibleName(tr("Reset"));
    connect(button, &QToolButton::clicked, this, reset);
    layout->addWidget(button);
    return row;
}

void ParameterPanel::showContentLayer(const QString& layer) {
    contentLayer_->setCurrentIndex(contentLayer_->findData(layer));
}

void ParameterPanel::changed() {
    if (!updating_) {
        Q_EMIT settingsChanged();
    }
}

void ParameterPanel::setModel(const ModelSummary& model) {
    // Before the first model there were no layers to show: the last settings given hold them.
    const StyleSettings current = model_.availableLayers.isEmpty() ? requested_ : settings();
    model_ = model;
    updating_ = true;
    contentLayer_->clear();
    for (int index = 0; index < model.availableLayers.size(); ++index) {
        const QString& layer = model.availableLayers[index];
        contentLayer_->addItem(layerRole(index, static_cast<int>(model.availableLayers.size())),
                               layer);
        contentLayer_->setItemData(index, tr("Layer %1").arg(layer), Qt::ToolTipRole);
    }
    styleLayers_->setRecommended(recommended(model.defaultStyleLayers));
    showLayers(current);
    updating_ = false;
}

void ParameterPanel::showLayers(const StyleSettings& settings) {
    QList<QPair<QString, double>> style;
    for (const auto& layer : toPairs(settings.styleLayers)) {
        if (model_.availableLayers.contains(layer.first)) {
            style.append(layer);
        }
    }
    styleLayers_->setLayers(model_.availableLayers,
                            style.isEmpty() ? recommended(model_.defaultStyleLayers) : style);
    const QString content = settings.contentLayers.empty()
                                ? QString()
                                : QString::fromStdString(settings.contentLayers.front().layer);
    showContentLayer(
        model_.availableLayers.contains(content) ? content : model_.defaultContentLayers.value(0));
}

StyleSettings ParameterPanel::settings() const {
    StyleSettings settings;
    settings.contentWeight = contentWeight_->value();
    settings.styleWeight = styleWeight_->value();
    settings.tvWeight = smoothness_->value();
    settings.styleScale = styleScale_->value();
    for (const auto& [layer, weight] : styleLayers_->chosenLayers()) {
        settings.styleLayers.push_back({layer.toStdString(), weight});
    }
    const QString contentLayer = contentLayer_->currentData().toString();
    if (!contentLayer.isEmpty()) {
        settings.contentLayers.push_back({contentLayer.toStdString(), 1.0});
    }
    settings.outputSize = outputSize_->value();
    settings.optimizer = static_cast<OptimizerKind>(optimizer_->currentData().toInt());
    settings.pooling = static_cast<PoolingMode>(pooling_->currentData().toInt());
    settings.init = static_cast<InitKind>(init_->currentData().toInt());
    settings.seed = static_cast<uint64_t>(seed_->value());
    settings.preserveColors = preserveColors_->isChecked();
    settings.coarseToFine = coarseToFine_->isChecked();
    settings.precision = static_cast<Precision>(precision_->currentData().toInt());
    settings.threads = threads_->value();
    settings.styleLoss = static_cast<StyleLoss>(styleLoss_->currentData().toInt());
    settings.averageDecay = averageDecay_->value();
    settings.minScale = minScale_->value();
    settings.initialIterations = initialIterations_->value();
    settings.scaleIterations = scaleIterations_->value();
    return settings;
}

void ParameterPanel::setSettings(const StyleSettings& settings) {
    requested_ = settings;
    updating_ = true;
    contentWeight_->setValue(settings.contentWeight);
    styleWeight_->setValue(settings.styleWeight);
    smoothness_->setValue(settings.tvWeight);
    styleScale_->setValue(settings.styleScale);
    showLayers(settings);
    outputSize_->setValue(settings.outputSize);
    selectData(optimizer_, static_cast<int>(settings.optimizer));
    selectData(pooling_, static_cast<int>(settings.pooling));
    selectData(init_, static_cast<int>(settings.init));
    seed_->setValue(
        static_cast<int>(std::min<uint64_t>(settings.seed, std::numeric_limits<int>::max())));
    preserveColors_->setChecked(settings.preserveColors);
    coarseToFine_->setChecked(settings.coarseToFine);
    selectData(precision_, static_cast<int>(settings.precision));
    threads_->setValue(settings.threads);
    selectData(styleLoss_, static_cast<int>(settings.styleLoss));
    averageDecay_->setValue(settings.averageDecay);
    minScale_->setValue(settings.minScale);
    initialIterations_->setValue(settings.initialIterations);
    scaleIterations_->setValue(settings.scaleIterations);
    updating_ = false;
}

int ParameterPanel::iterationTarget() const {
    return iterations_->value();
}

void ParameterPanel::setIterationTarget(int iterations) {
    iterations_->setValue(iterations);
}

int ParameterPanel::snapshotInterval() const {
    return snapshotInterval_->value();
}

void ParameterPanel::setSnapshotInterval(int interval) {
    snapshotInterval_->setValue(interval);
}

int ParameterPanel::memoryLimitMiB() const {
    return memoryLimit_->value();
}

void ParameterPanel::setMemoryLimitMiB(int mebibytes) {
    memoryLimit_->setValue(mebibytes);
}

void ParameterPanel::setInitImageName(const QString& name) {
    initImageName_->setText(tr("Starts from %1").arg(name));
    initImageName_->setVisible(!name.isEmpty());
}

}  // namespace impasto::ui

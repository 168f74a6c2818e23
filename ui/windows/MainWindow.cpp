#include "ui/windows/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

#include "core/common/Error.h"
#include "core/image/RecipeFile.h"
#include "core/registry/ModelChoice.h"
#include "core/registry/ModelRegistry.h"
#include "core/settings/PresetFile.h"
#include "ui/panels/MessageBanner.h"
#include "ui/panels/ModelSelector.h"
#include "ui/panels/ModelSetupPanel.h"
#include "ui/panels/ParameterPanel.h"
#include "ui/panels/RunStatusBar.h"
#include "ui/session/SessionController.h"
#include "ui/widgets/ImageSlot.h"
#include "ui/widgets/LossCurveView.h"
#include "ui/widgets/PreviewView.h"
#include "ui/widgets/SnapshotStrip.h"
#include "ui/widgets/StyleListView.h"

namespace impasto::ui {

namespace {

const QString kImageFilter =
    MainWindow::tr("Images (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.bmp);;All files (*)");
const QString kWeightFilter =
    MainWindow::tr("Weight files (*.safetensors *.caffemodel);;All files (*)");
const QString kPresetFilter = MainWindow::tr("Impasto presets (*.json)");
const QString k8BitFilter = MainWindow::tr("PNG image, 8 bits per channel (*.png)");
const QString k16BitFilter = MainWindow::tr("PNG image, 16 bits per channel (*.png)");

QDockWidget* dock(const QString& title, const QString& objectName, QWidget* content) {
    auto* dockWidget = new QDockWidget(title);
    dockWidget->setObjectName(objectName);  // restoreState() finds docks by name
    dockWidget->setWidget(content);
    return dockWidget;
}

QString withSuffix(QString file, const QString& suffix) {
    if (!file.endsWith("." + suffix, Qt::CaseInsensitive)) {
        file += "." + suffix;
    }
    return file;
}

// Registry names are remembered as names (the file may move with an update), others as files.
bool isRegistryName(const QString& name) {
    try {
        return ModelRegistry::loadBuiltIn().find(name.toStdString()) != nullptr;
    } catch (const Error&) {
        return false;
    }
}

bool hasLocalFiles(const QMimeData* mime) {
    const QList<QUrl> urls = mime->urls();
    return std::any_of(urls.begin(), urls.end(), [](const QUrl& url) { return url.isLocalFile(); });
}

}  // namespace

MainWindow::MainWindow(const QString& model, QWidget* parent)
    : QMainWindow(parent),
      controller_(new SessionController(
          static_cast<int>(ImageSlot::kThumbnailSize * devicePixelRatioF()), this)),
      preview_(new PreviewView),
      banner_(new MessageBanner),
      setupPanel_(new ModelSetupPanel),
      centre_(new QStackedWidget),
      modelSelector_(new ModelSelector),
      contentSlot_(new ImageSlot(tr("Photo"))),
      styleList_(new StyleListView),
      parameters_(new ParameterPanel),
      lossCurve_(new LossCurveView),
      snapshots_(new SnapshotStrip),
      runStatus_(new RunStatusBar(statusBar())) {
    setWindowTitle(tr("Impasto"));
    setAcceptDrops(true);
    buildActions();
    buildMenus();
    buildToolBar();
    buildLayout();
    connectSession();
    restoreSession(model);
    showState(RunState::Idle);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
    auto action = [this](const QString& text, const QKeySequence& shortcut, const QString& tip,
                         void (MainWindow::*slot)()) {
        auto* created = new QAction(text, this);
        created->setShortcut(shortcut);
        created->setToolTip(
            shortcut.isEmpty()
                ? tip
                : tr("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
        created->setStatusTip(tip);
        if (slot != nullptr) {
            connect(created, &QAction::triggered, this, slot);
        }
        return created;
    };
    openContentAction_ = action(tr("Open &Photo..."), QKeySequence::Open,
                                tr("Choose the photo to repaint"), &MainWindow::openContent);
    addStyleAction_ = action(tr("Add &Painting..."), QKeySequence(tr("Ctrl+Shift+O")),
                             tr("Add a painting whose style to use"), &MainWindow::addStyles);
    pasteAction_ = action(tr("&Paste Image"), QKeySequence::Paste,
                          tr("Paste an image or image files: the photo first, then paintings"),
                          &MainWindow::paste);
    openWeightsAction_ =
        action(tr("Open &Weight File..."), QKeySequence(),
               tr("Use a network weight file from disk"), &MainWindow::openWeightFile);
    exportAction_ = action(tr("&Export PNG..."), QKeySequence(tr("Ctrl+E")),
                           tr("Save the result at full output size"), &MainWindow::exportResult);
    savePresetAction_ = action(tr("&Save Preset..."), QKeySequence(tr("Ctrl+Shift+S")),
                               tr("Save these settings to a file"), &MainWindow::savePreset);
    loadPresetAction_ = action(tr("&Load Preset..."), QKeySequence(tr("Ctrl+Shift+L")),
                               tr("Use settings saved in a file"), &MainWindow::loadPreset);
    quitAction_ = action(tr("&Quit"), QKeySequence::Quit, tr("Close Impasto"), nullptr);
    connect(quitAction_, &QAction::triggered, this, &QWidget::close);
    startAction_ = action(tr("&Start"), QKeySequence(tr("Ctrl+Return")),
                          tr("Start painting from the beginning"), &MainWindow::startRun);
    pauseAction_ = action(tr("P&ause"), QKeySequence(tr("Ctrl+P")), tr("Pause the run"),
                          &MainWindow::pauseRun);
    resumeAction_ = action(tr("&Resume"), QKeySequence(tr("Ctrl+R")),
                           tr("Go on from where the run paused"), &MainWindow::resumeRun);
    continueAction_ = action(tr("&Continue"), QKeySequence(tr("Ctrl+Shift+Return")),
                             tr("Go on for as many iterations again"), &MainWindow::continueRun);
    stopAction_ = action(tr("S&top"), QKeySequence(tr("Ctrl+.")),
                         tr("Stop the run; the result stays to export"), &MainWindow::stopRun);
    snapshotAction_ = action(tr("Take S&napshot"), QKeySequence(tr("Ctrl+T")),
                             tr("Keep the picture as it is now"), nullptr);
    connect(snapshotAction_, &QAction::triggered, &controller_->worker(),
            &SessionWorker::takeSnapshot, Qt::QueuedConnection);
    zoomInAction_ =
        action(tr("Zoom &In"), QKeySequence::ZoomIn, tr("Enlarge the preview"), nullptr);
    zoomOutAction_ =
        action(tr("Zoom &Out"), QKeySequence::ZoomOut, tr("Shrink the preview"), nullptr);
    fitAction_ = action(tr("&Fit to Window"), QKeySequence(tr("Ctrl+0")),
                        tr("Show the whole picture"), nullptr);
    actualSizeAction_ = action(tr("&Actual Size"), QKeySequence(tr("Ctrl+1")),
                               tr("One picture pixel per screen pixel"), nullptr);
    compareAction_ = action(tr("&Compare with Photo"), QKeySequence(tr("Ctrl+B")),
                            tr("Show the photo left of a split you can drag"), nullptr);
    compareAction_->setCheckable(true);
    connect(zoomInAction_, &QAction::triggered, preview_, &PreviewView::zoomIn);
    connect(zoomOutAction_, &QAction::triggered, preview_, &PreviewView::zoomOut);
    connect(fitAction_, &QAction::triggered, preview_, &PreviewView::fitToWindow);
    connect(actualSizeAction_, &QAction::triggered, preview_, &PreviewView::showActualSize);
    connect(compareAction_, &QAction::toggled, preview_, &PreviewView::setComparisonEnabled);
    aboutAction_ = action(tr("&About Impasto"), QKeySequence(), tr("Version and credits"),
                          &MainWindow::showAbout);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addActions({openContentAction_, addStyleAction_, pasteAction_});
    file->addSeparator();
    file->addAction(openWeightsAction_);
    file->addSeparator();
    file->addAction(exportAction_);
    file->addSeparator();
    file->addActions({savePresetAction_, loadPresetAction_});
    file->addSeparator();
    file->addAction(quitAction_);
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addActions({startAction_, pauseAction_, resumeAction_, continueAction_, stopAction_});
    run->addSeparator();
    run->addAction(snapshotAction_);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addActions({zoomInAction_, zoomOutAction_, fitAction_, actualSizeAction_});
    view->addSeparator();
    view->addAction(compareAction_);
    menuBar()->addMenu(tr("&Help"))->addAction(aboutAction_);
}

void MainWindow::buildToolBar() {
    QToolBar* toolBar = addToolBar(tr("Run"));
    toolBar->setObjectName("RunToolBar");
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addActions({openContentAction_, addStyleAction_});
    toolBar->addSeparator();
    toolBar->addActions({startAction_, pauseAction_, resumeAction_, continueAction_, stopAction_});
    toolBar->addSeparator();
    toolBar->addActions({snapshotAction_, exportAction_});
    toolBar->addSeparator();
    toolBar->addActions({fitAction_, actualSizeAction_, compareAction_});
}

void MainWindow::buildLayout() {
    preview_->setPlaceholderText(
        tr("Drop a photo here, then one or more paintings, and press Start"));
    auto* setupPage = new QScrollArea;
    setupPage->setWidgetResizable(true);
    setupPage->setWidget(setupPanel_);
    centre_->addWidget(preview_);
    centre_->addWidget(setupPage);
    auto* central = new QWidget;
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->addWidget(banner_);
    centralLayout->addWidget(centre_, 1);
    setCentralWidget(central);

    auto* pictures = new QWidget;
    auto* picturesLayout = new QVBoxLayout(pictures);
    picturesLayout->addWidget(modelSelector_);
    picturesLayout->addWidget(contentSlot_);
    picturesLayout->addWidget(new QLabel(tr("<b>Paintings</b> (drop them here)")));
    picturesLayout->addWidget(styleList_, 1);
    auto* addStyleButton = new QPushButton(tr("Add Painting..."));
    addStyleButton->setToolTip(addStyleAction_->toolTip());
    connect(addStyleButton, &QPushButton::clicked, this, &MainWindow::addStyles);
    picturesLayout->addWidget(addStyleButton);
    addDockWidget(Qt::LeftDockWidgetArea, dock(tr("Pictures"), "PicturesDock", pictures));

    auto* settingsScroll = new QScrollArea;
    settingsScroll->setWidgetResizable(true);
    // Wide enough for a layer row (name, slider, weight) beside the vertical scroll bar.
    settingsScroll->setMinimumWidth(std::max(parameters_->sizeHint().width() + 24, 400));
    settingsScroll->setWidget(parameters_);
    addDockWidget(Qt::RightDockWidgetArea, dock(tr("Settings"), "SettingsDock", settingsScroll));

    auto* progress = new QSplitter(Qt::Horizontal);
    progress->addWidget(lossCurve_);
    progress->addWidget(snapshots_);
    progress->setStretchFactor(0, 1);
    progress->setStretchFactor(1, 2);
    addDockWidget(Qt::BottomDockWidgetArea, dock(tr("Progress"), "ProgressDock", progress));
}

void MainWindow::connectSession() {
    // The worker lives on its own thread: these connections are queued both ways.
    SessionWorker* session = &controller_->worker();
    connect(session, &SessionWorker::modelLoaded, this, &MainWindow::showModel);
    connect(session, &SessionWorker::modelLoadFailed, this, [this](const QString& message) {
        if (modelReady_) {
            showError(message);
        } else {
            showModelSetup(message);
        }
    });
    connect(session, &SessionWorker::contentLoaded, this,
            [this](const QString& name, const QImage& thumbnail, const QImage& comparison,
                   QSize fullSize) {
                contentName_ = QFileInfo(name).completeBaseName();
                contentSlot_->setImage(name, thumbnail, fullSize);
                preview_->setComparisonImage(comparison);
                if (framesShown_ == 0) {
                    preview_->setImage(comparison);  // the photo until the first frame
                }
                statusBar()->showMessage(tr("Photo: %1").arg(name), 5000);
            });
    connect(session, &SessionWorker::contentCleared, this, [this] {
        contentSlot_->clear();
        preview_->setComparisonImage({});
    });
    connect(session, &SessionWorker::styleAdded, this,
            [this](const QString& name, const QImage& thumbnail, QSize fullSize) {
                styleList_->addStyle(name, thumbnail, 1.0, fullSize);
                sendSettings();  // one blend weight more
            });
    connect(session, &SessionWorker::styleRemoved, this, [this](int index) {
        styleList_->removeStyle(index);
        sendSettings();
    });
    connect(session, &SessionWorker::initImageLoaded, this, [this](const QString& name) {
        parameters_->setInitImageName(QFileInfo(name).fileName());
    });
    connect(session, &SessionWorker::loadFailed, this, &MainWindow::showError);
    connect(session, &SessionWorker::runFailed, this, &MainWindow::showError);
    connect(session, &SessionWorker::exportFailed, this, &MainWindow::showError);
    connect(session, &SessionWorker::exported, this, [this](const QString& file) {
        statusBar()->showMessage(tr("Saved %1").arg(file), 10000);
    });
    connect(session, &SessionWorker::preparing, runStatus_, &RunStatusBar::showPreparation);
    connect(session, &SessionWorker::precisionChosen, runStatus_, &RunStatusBar::showPrecision);
    connect(session, &SessionWorker::frameReady, this, &MainWindow::showFrame);
    connect(session, &SessionWorker::stateChanged, this, &MainWindow::showState);
    connect(session, &SessionWorker::settingsApplied, this,
            [this](const StyleSettings&, const SessionCounters&, int iteration, int revision) {
                // A change during a run: mark where on the loss curve it took effect.
                if (shownIteration_ > 0 && revision > markedRevision_ && state_ != RunState::Idle) {
                    markedRevision_ = revision;
                    lossCurve_->addMarker(iteration, tr("settings changed"));
                }
            });
    connect(session, &SessionWorker::snapshotTaken, this,
            [this](int id, const QImage& thumbnail, int iteration) {
                snapshots_->addSnapshot(id, thumbnail, tr("Iteration %1").arg(iteration));
            });
    connect(session, &SessionWorker::snapshotShown, this,
            [this](int, const QImage& image, int iteration) {
                preview_->setImage(image);
                statusBar()->showMessage(tr("Showing the snapshot of iteration %1").arg(iteration),
                                         5000);
            });

    connect(session, &SessionWorker::recoveryAvailable, this,
            [this](const QString& description, const QImage&) {
                banner_->showOffer(description + ' ' + tr("Restore it?"), tr("Restore"),
                                   tr("Discard"));
            });
    connect(banner_, &MessageBanner::offerAccepted, session, &SessionWorker::restoreRecovery,
            Qt::QueuedConnection);
    connect(banner_, &MessageBanner::offerDeclined, session, &SessionWorker::discardRecovery,
            Qt::QueuedConnection);
    connect(session, &SessionWorker::settingsRestored, this, [this](const StyleSettings& settings) {
        parameters_->setSettings(settings);
        sendSettings();
    });
    connect(session, &SessionWorker::autosaveFailed, this, [this](const QString& message) {
        showError(tr("Autosave failed, so a crash could lose this run: %1").arg(message));
    });

    connect(contentSlot_, &ImageSlot::openRequested, this, &MainWindow::openContent);
    connect(contentSlot_, &ImageSlot::clearRequested, session, &SessionWorker::clearContent,
            Qt::QueuedConnection);
    connect(styleList_, &StyleListView::removeRequested, session, &SessionWorker::removeStyle,
            Qt::QueuedConnection);
    connect(styleList_, &StyleListView::weightChanged, this, &MainWindow::sendSettings);
    connect(parameters_, &ParameterPanel::settingsChanged, this, &MainWindow::sendSettings);
    connect(parameters_, &ParameterPanel::iterationTargetChanged, session,
            &SessionWorker::setIterationTarget, Qt::QueuedConnection);
    connect(parameters_, &ParameterPanel::snapshotIntervalChanged, session,
            &SessionWorker::setSnapshotInterval, Qt::QueuedConnection);
    connect(parameters_, &ParameterPanel::initImageRequested, this, &MainWindow::chooseInitImage);
    connect(snapshots_, &SnapshotStrip::snapshotActivated, session, &SessionWorker::showSnapshot,
            Qt::QueuedConnection);
    connect(snapshots_, &SnapshotStrip::exportRequested, this, &MainWindow::exportSnapshot);
    connect(snapshots_, &SnapshotStrip::continueRequested, this, [this](int id) {
        lossCurve_->addMarker(shownIteration_, tr("continued from a snapshot"));
        controller_->post([id, target = shownIteration_ + parameters_->iterationTarget()](
                              SessionWorker& worker) { worker.continueFromSnapshot(id, target); });
    });
    connect(modelSelector_, &ModelSelector::modelChosen, this, &MainWindow::loadModel);
    connect(modelSelector_, &ModelSelector::openFileRequested, this, &MainWindow::openWeightFile);
    connect(setupPanel_, &ModelSetupPanel::openFileRequested, this, &MainWindow::openWeightFile);
    connect(setupPanel_, &ModelSetupPanel::modelInstalled, this, [this](const QString& name) {
        modelSelector_->refresh();
        loadModel(name);
    });
}

void MainWindow::restoreSession(const QString& model) {
    restoreGeometry(appSettings_.windowGeometry());
    restoreState(appSettings_.windowState());
    if (const auto settings = appSettings_.lastSettings()) {
        parameters_->setSettings(*settings);
    }
    parameters_->setIterationTarget(
        appSettings_.iterationTarget(ParameterPanel::kDefaultIterations));
    controller_->post([interval = parameters_->snapshotInterval()](SessionWorker& worker) {
        worker.setSnapshotInterval(interval);
    });
    sendSettings();

    // The model asked for, else the one used last, else the best installed one, else the
    // first-run offer.
    const QString lastModel = model.isEmpty() ? appSettings_.lastModel() : model;
    if (!lastModel.isEmpty()) {
        loadModel(lastModel);
    } else if (modelSelector_->refresh()) {
        loadModel(automaticModel);
    } else {
        showModelSetup(QString());
    }
    controller_->post([](SessionWorker& worker) { worker.offerRecovery(); });
}

void MainWindow::loadModel(const QString& nameOrFile) {
    statusBar()->showMessage(tr("Loading the model %1...").arg(nameOrFile));
    controller_->loadModel(nameOrFile);
}

void MainWindow::showModel(const ModelSummary& model) {
    modelReady_ = true;
    centre_->setCurrentWidget(preview_);
    // "auto" stands for whichever registry model was installed: remember that one.
    const QString chosen = isRegistryName(model.displayName) ? model.displayName : model.file;
    appSettings_.setLastModel(chosen);
    modelSelector_->setCurrentModel(chosen);
    parameters_->setModel(model);
    runStatus_->showModel(model);
    statusBar()->showMessage(tr("Model %1 ready").arg(model.title), 5000);
    sendSettings();
    showState(RunState::Idle);
}

void MainWindow::showModelSetup(const QString& message) {
    try {
        setupPanel_->setModels(ModelRegistry::loadBuiltIn().models());
    } catch (const Error& error) {
        showError(QString::fromUtf8(error.what()));
    }
    centre_->setCurrentWidget(centre_->widget(1));
    if (!message.isEmpty()) {
        showError(message);
    }
}

void MainWindow::showError(const QString& message) {
    banner_->showError(message);
    statusBar()->showMessage(message, 10000);
}

StyleSettings MainWindow::currentSettings() const {
    StyleSettings settings = parameters_->settings();
    const QList<double> weights = styleList_->weights();
    settings.styleBlend.assign(weights.begin(), weights.end());
    return settings;
}

int MainWindow::sendSettings() {
    sentRevision_ = controller_->worker().submitSettings(currentSettings());
    return sentRevision_;
}

void MainWindow::showFrame(const SessionFrame& frame) {
    preview_->setImage(frame.image);
    for (const LossPoint& point : frame.lossHistory) {
        lossCurve_->addPoint(point.iteration, point.losses.total, point.losses.content,
                             point.losses.style, point.losses.totalVariation);
    }
    runStatus_->showFrame(frame, std::max(parameters_->iterationTarget(), frame.iteration));
    shownIteration_ = frame.iteration;
    ++framesShown_;
    // There is a picture now: it can be kept and exported while the run goes on.
    snapshotAction_->setEnabled(true);
    exportAction_->setEnabled(true);
}

void MainWindow::showState(RunState state) {
    state_ = state;
    const bool running = state == RunState::Running;
    const bool hasResult = state == RunState::Paused || state == RunState::Stopped ||
                           state == RunState::Finished || (running && framesShown_ > 0);
    startAction_->setEnabled(modelReady_ && !running);
    pauseAction_->setEnabled(running);
    resumeAction_->setEnabled(state == RunState::Paused);
    continueAction_->setEnabled(state == RunState::Stopped || state == RunState::Finished);
    stopAction_->setEnabled(running || state == RunState::Paused);
    snapshotAction_->setEnabled(hasResult);
    exportAction_->setEnabled(hasResult);
    runStatus_->showState(state);
}

void MainWindow::startRun() {
    banner_->hide();
    lossCurve_->clear();
    shownIteration_ = 0;
    markedRevision_ = sendSettings();  // the settings a run starts with are no change to mark
    controller_->start(parameters_->iterationTarget());
}

void MainWindow::pauseRun() {
    controller_->pause();
}

void MainWindow::resumeRun() {
    resume(std::max(parameters_->iterationTarget(), shownIteration_ + 1));
}

void MainWindow::continueRun() {
    resume(shownIteration_ + parameters_->iterationTarget());
}

void MainWindow::stopRun() {
    controller_->stop();
}

void MainWindow::resume(int iterationTarget) {
    controller_->post([iterationTarget](SessionWorker& worker) { worker.resume(iterationTarget); });
}

QString MainWindow::askFileToOpen(const QString& title, const QString& purpose,
                                  const QString& filter) {
    const QString file =
        QFileDialog::getOpenFileName(this, title, appSettings_.lastFolder(purpose), filter);
    if (!file.isEmpty()) {
        appSettings_.rememberFolderOf(purpose, file);
    }
    return file;
}

void MainWindow::openContent() {
    const QString file = askFileToOpen(tr("Open Photo"), "images", kImageFilter);
    if (!file.isEmpty()) {
        controller_->post([file](SessionWorker& worker) { worker.loadContent(file); });
    }
}

void MainWindow::addStyles() {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add Paintings"), appSettings_.lastFolder("images"), kImageFilter);
    for (const QString& file : files) {
        appSettings_.rememberFolderOf("images", file);
        controller_->post([file](SessionWorker& worker) { worker.addStyle(file); });
    }
}

void MainWindow::chooseInitImage() {
    const QString file = askFileToOpen(tr("Start From Image"), "images", kImageFilter);
    if (!file.isEmpty()) {
        controller_->post([file](SessionWorker& worker) { worker.loadInitImage(file); });
    }
}

void MainWindow::openWeightFile() {
    const QString file = askFileToOpen(tr("Open Weight File"), "models", kWeightFilter);
    if (!file.isEmpty()) {
        loadModel(file);
    }
}

MainWindow::DropTarget MainWindow::dropTargetAt(QPoint position) const {
    const QWidget* under = childAt(position);
    for (; under != nullptr; under = under->parentWidget()) {
        if (under == styleList_) {
            return DropTarget::Style;
        }
        if (under == contentSlot_) {
            return DropTarget::Content;
        }
    }
    return DropTarget::Automatic;
}

void MainWindow::openUrls(const QList<QUrl>& urls, DropTarget target) {
    bool contentTaken = contentSlot_->hasImage();
    for (const QUrl& url : urls) {
        if (!url.isLocalFile()) {
            showError(tr("Only files on this computer can be used: %1").arg(url.toDisplayString()));
            continue;
        }
        const QString file = url.toLocalFile();
        appSettings_.rememberFolderOf("images", file);
        const bool asContent =
            target == DropTarget::Content || (target == DropTarget::Automatic && !contentTaken);
        if (asContent) {
            controller_->post([file](SessionWorker& worker) { worker.loadContent(file); });
            contentTaken = true;
            target = target == DropTarget::Content ? DropTarget::Style : target;
        } else {
            controller_->post([file](SessionWorker& worker) { worker.addStyle(file); });
        }
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (hasLocalFiles(event->mimeData())) {
        event->acceptProposedAction();
    }
}

void MainWindow::dragMoveEvent(QDragMoveEvent* event) {
    if (hasLocalFiles(event->mimeData())) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    if (!event->mimeData()->hasUrls()) {
        return;
    }
    event->acceptProposedAction();
    banner_->hide();
    openUrls(event->mimeData()->urls(), dropTargetAt(event->position().toPoint()));
}

void MainWindow::paste() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (mime == nullptr) {
        return;
    }
    if (hasLocalFiles(mime)) {
        openUrls(mime->urls(), DropTarget::Automatic);
    } else if (mime->hasImage()) {
        const QImage image = qvariant_cast<QImage>(mime->imageData());
        if (contentSlot_->hasImage()) {
            controller_->post([image, name = tr("Pasted painting")](SessionWorker& worker) {
                worker.addStyleImage(image, name);
            });
        } else {
            controller_->post([image, name = tr("Pasted photo")](SessionWorker& worker) {
                worker.loadContentImage(image, name);
            });
        }
    } else {
        showError(tr("The clipboard holds no image or image file"));
    }
}

QString MainWindow::askExportFile(const QString& suggestedName, int* bitDepth) {
    QString filter = k8BitFilter;
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export PNG"), appSettings_.lastFolder("exports") + "/" + suggestedName,
        k8BitFilter + ";;" + k16BitFilter, &filter);
    if (file.isEmpty()) {
        return {};
    }
    *bitDepth = filter == k16BitFilter ? 16 : 8;
    appSettings_.rememberFolderOf("exports", file);
    return withSuffix(file, "png");
}

void MainWindow::exportResult() {
    int bitDepth = 8;
    const QString name = (contentName_.isEmpty() ? tr("impasto") : contentName_) +
                         tr("-painted-%1.png").arg(shownIteration_);
    const QString file = askExportFile(name, &bitDepth);
    if (!file.isEmpty()) {
        exportTo(file, bitDepth);
    }
}

void MainWindow::exportTo(const QString& file, int bitDepth) {
    statusBar()->showMessage(tr("Exporting %1...").arg(file));
    controller_->post(
        [file, bitDepth](SessionWorker& worker) { worker.exportImage(file, bitDepth); });
}

void MainWindow::exportSnapshot(int id) {
    int bitDepth = 8;
    const QString file = askExportFile(tr("snapshot-%1.png").arg(id), &bitDepth);
    if (!file.isEmpty()) {
        controller_->post([id, file, bitDepth](SessionWorker& worker) {
            worker.exportSnapshot(id, file, bitDepth);
        });
    }
}

void MainWindow::savePreset() {
    QString file = QFileDialog::getSaveFileName(this, tr("Save Preset"),
                                                appSettings_.lastFolder("presets"), kPresetFilter);
    if (file.isEmpty()) {
        return;
    }
    file = withSuffix(file, "json");
    appSettings_.rememberFolderOf("presets", file);
    try {
        impasto::savePreset(file.toStdString(), currentSettings());
        statusBar()->showMessage(tr("Saved the preset %1").arg(file), 5000);
    } catch (const std::exception& error) {
        showError(QString::fromUtf8(error.what()));
    }
}

void MainWindow::loadPreset() {
    // An exported PNG holds its settings too.
    const QString file = askFileToOpen(tr("Load Preset"), "presets",
                                       tr("Impasto presets and exported images (*.json *.png)"));
    if (file.isEmpty()) {
        return;
    }
    try {
        const StyleSettings settings = impasto::loadRecipe(file.toStdString()).settings;
        parameters_->setSettings(settings);
        // The blend applies when the preset has one weight per painting loaded now.
        if (static_cast<int>(settings.styleBlend.size()) == styleList_->count()) {
            for (int i = 0; i < styleList_->count(); ++i) {
                styleList_->setWeight(i, settings.styleBlend[i]);
            }
        }
        sendSettings();
        statusBar()->showMessage(tr("Loaded the preset %1").arg(file), 5000);
    } catch (const std::exception& error) {
        showError(QString::fromUtf8(error.what()));
    }
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About Impasto"),
        tr("<h3>Impasto %1</h3><p>Repaints a photo in the manner of a painting: neural style "
           "transfer after Gatys, Ecker and Bethge.</p><p>Built with Qt %2 and LibTorch.</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    appSettings_.setWindowGeometry(saveGeometry());
    appSettings_.setWindowState(saveState());
    appSettings_.setLastSettings(parameters_->settings());
    appSettings_.setIterationTarget(parameters_->iterationTarget());
    controller_->stop();  // the thread itself ends with the controller
    event->accept();
}

}  // namespace impasto::ui

#include "ui/windows/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
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
#include <QScreen>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <tuple>

#include "core/common/Error.h"
#include "core/image/EmbeddedMasks.h"
#include "core/image/RecipeFile.h"
#include "core/registry/ModelChoice.h"
#include "core/registry/ModelRegistry.h"
#include "core/settings/PresetFile.h"
#include "ui/dialogs/BatchDialog.h"
#include "ui/dialogs/FastTrainingDialog.h"
#include "ui/dialogs/PrintSizeDialog.h"
#include "ui/dialogs/ShortcutsDialog.h"
#include "ui/dialogs/SourceMaskDialog.h"
#include "ui/panels/FastStyleList.h"
#include "ui/panels/MaskToolBar.h"
#include "ui/panels/MessageBanner.h"
#include "ui/panels/ModelSelector.h"
#include "ui/panels/ModelSetupPanel.h"
#include "ui/panels/ParameterPanel.h"
#include "ui/panels/RunStatusBar.h"
#include "ui/panels/StyleGallery.h"
#include "ui/session/MaskFilesBeside.h"
#include "ui/session/SessionController.h"
#include "ui/session/SettingsChange.h"
#include "ui/widgets/BackgroundWork.h"
#include "ui/widgets/FileThumbnail.h"
#include "ui/widgets/ImageSlot.h"
#include "ui/widgets/LossCurveView.h"
#include "ui/widgets/MaskEditor.h"
#include "ui/widgets/PreviewView.h"
#include "ui/widgets/RecentFilesMenu.h"
#include "ui/widgets/ScrollFriendlyWheel.h"
#include "ui/widgets/SnapshotStrip.h"
#include "ui/widgets/StrengthSlider.h"
#include "ui/widgets/StyleListView.h"
#include "ui/widgets/StyleRow.h"
#include "ui/windows/MaskMode.h"

namespace impasto::ui {

namespace {

// The paintings a preset names, as files, and those of them that are gone.
std::pair<QStringList, QStringList> presetPaintings(const RunInputs& inputs) {
    QStringList paintings;
    QStringList missing;
    for (const std::string& painting : inputs.styles) {
        const QString file = QString::fromStdString(painting);
        (QFileInfo(file).isFile() ? paintings : missing).append(file);
    }
    return {paintings, missing};
}

const QString kImageFilter =
    MainWindow::tr("Images (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.bmp);;All files (*)");
const QString kWeightFilter =
    MainWindow::tr("Weight files (*.safetensors *.caffemodel);;All files (*)");
const QString kFastStyleFilter = MainWindow::tr("Fast styles (*.safetensors);;All files (*)");
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
      runStatus_(new RunStatusBar(statusBar())),
      maskMode_(new MaskMode(*preview_, this)),
      strength_(new StrengthSlider),
      gallery_(new StyleGallery),
      fastStyles_(new FastStyleList) {
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
    quitAction_ = action(tr("&Quit"), QKeySequence::Quit, tr("Close Impasto"), &MainWindow::quit);
    startAction_ = action(tr("&Start"), QKeySequence(tr("Ctrl+Return")),
                          tr("Start painting from the beginning"), &MainWindow::startRun);
    draftAction_ = action(tr("&Draft"), QKeySequence(tr("Ctrl+D")),
                          tr("Start a quick draft at %1 px to try settings out").arg(kDraftSize),
                          &MainWindow::startDraft);
    fullSizeAction_ = action(tr("Render at &Full Size"), QKeySequence(tr("Ctrl+Shift+D")),
                             tr("Go on from the draft at the output size: its look carries over, "
                                "refined at full size"),
                             &MainWindow::renderFullSize);
    printSizeAction_ = action(tr("Render at &Print Size..."), QKeySequence(),
                              tr("Go on from the picture at a size for print: longest side, "
                                 "megapixels, or centimetres or inches at a DPI"),
                              &MainWindow::renderPrintSize);
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
    shortcutsAction_ = action(tr("&Keyboard Shortcuts"), QKeySequence(tr("Ctrl+/")),
                              tr("Every shortcut of the window"), &MainWindow::showShortcuts);
    gettingStartedAction_ =
        action(tr("&Getting Started"), QKeySequence::HelpContents,
               tr("A first picture in four steps"), &MainWindow::showGettingStarted);
}

void MainWindow::buildMenus() {
    recentPaintings_ = new RecentFilesMenu(tr("Recent Pain&tings"), "paintings", this);
    connect(recentPaintings_, &RecentFilesMenu::fileChosen, this, [this](const QString& file) {
        banner_->clearLoadErrors();
        controller_->post([file](SessionWorker& worker) { worker.addStyle(file); });
    });
    recentPresets_ = new RecentFilesMenu(tr("Recent Pre&sets"), "presets", this);
    connect(recentPresets_, &RecentFilesMenu::fileChosen, this, &MainWindow::loadPresetFile);
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addActions({openContentAction_, addStyleAction_, pasteAction_});
    file->addMenu(recentPaintings_);
    file->addSeparator();
    file->addAction(openWeightsAction_);
    file->addAction(tr("Open &Fast Style..."), this, &MainWindow::openFastStyle);
    file->addSeparator();
    file->addAction(exportAction_);
    file->addSeparator();
    file->addActions({savePresetAction_, loadPresetAction_});
    file->addMenu(recentPresets_);
    file->addSeparator();
    file->addAction(quitAction_);
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QMenu* mask = menuBar()->addMenu(tr("&Mask"));
    maskMode_->addMenus(edit, mask);
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addActions({startAction_, draftAction_, fullSizeAction_, printSizeAction_});
    run->addSeparator();
    run->addActions({pauseAction_, resumeAction_, continueAction_, stopAction_});
    run->addSeparator();
    // The current paintings and settings on several photos, in a worker of the batch's own.
    run->addAction(tr("&Batch..."), this, [this] {
        BatchDialog dialog(*controller_, parameters_->iterationsBox()->value(), this);
        dialog.exec();
    });
    run->addAction(tr("&Train Fast Style..."), this, &MainWindow::trainFastStyle);
    run->addAction(snapshotAction_);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName("ViewMenu");
    view->addActions({zoomInAction_, zoomOutAction_, fitAction_, actualSizeAction_});
    view->addSeparator();
    view->addAction(compareAction_);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addActions({gettingStartedAction_, shortcutsAction_});
    help->addSeparator();
    help->addAction(aboutAction_);
}

void MainWindow::buildToolBar() {
    QToolBar* toolBar = addToolBar(tr("Run"));
    toolBar->setObjectName("RunToolBar");
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addActions({openContentAction_, addStyleAction_});
    toolBar->addSeparator();
    toolBar->addActions({startAction_, draftAction_, fullSizeAction_, pauseAction_, resumeAction_,
                         continueAction_, stopAction_});
    toolBar->addSeparator();
    toolBar->addActions({snapshotAction_, exportAction_});
    toolBar->addWidget(strength_);
    toolBar->addSeparator();
    toolBar->addActions({maskMode_->modeAction(), fitAction_, actualSizeAction_, compareAction_});
    addToolBarBreak();
    addToolBar(maskMode_->toolBar());
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
    QDockWidget* picturesDock = dock(tr("Pictures"), "PicturesDock", pictures);
    addDockWidget(Qt::LeftDockWidgetArea, picturesDock);
    QDockWidget* galleryDock = dock(tr("Gallery"), "GalleryDock", gallery_);
    addDockWidget(Qt::LeftDockWidgetArea, galleryDock);
    tabifyDockWidget(picturesDock, galleryDock);
    QDockWidget* fastStylesDock = dock(tr("Fast Styles"), "FastStylesDock", fastStyles_);
    addDockWidget(Qt::LeftDockWidgetArea, fastStylesDock);
    tabifyDockWidget(galleryDock, fastStylesDock);
    picturesDock->raise();
    QAction* showGallery = galleryDock->toggleViewAction();
    showGallery->setShortcut(QKeySequence(tr("Ctrl+G")));
    menuBar()->findChild<QMenu*>("ViewMenu")->addAction(showGallery);
    menuBar()->findChild<QMenu*>("ViewMenu")->addAction(fastStylesDock->toggleViewAction());
    connect(gallery_, &StyleGallery::paintingChosen, this, [this](const QString& file) {
        banner_->clearLoadErrors();
        controller_->post([file](SessionWorker& worker) { worker.addStyle(file); });
    });
    connect(gallery_, &StyleGallery::presetChosen, this, &MainWindow::loadPresetFile);
    connect(fastStyles_, &FastStyleList::styleChosen, this, [this](const QString& file) {
        banner_->clearLoadErrors();
        runStatus_->showMessage(tr("Stylising the photo..."));
        controller_->post([file](SessionWorker& worker) { worker.applyFastStyle(file); });
    });
    connect(fastStyles_, &FastStyleList::loadFailed, this, &MainWindow::showError);
    connect(fastStyles_, &FastStyleList::openRequested, this, &MainWindow::openFastStyle);
    connect(fastStyles_, &FastStyleList::trainRequested, this, &MainWindow::trainFastStyle);

    auto* settingsScroll = new QScrollArea;
    settingsScroll->setWidgetResizable(true);
    // Wide enough for a layer row (name, slider, weight) beside the vertical scroll bar.
    settingsScroll->setMinimumWidth(std::max(parameters_->sizeHint().width() + 24, 400));
    settingsScroll->setWidget(parameters_);
    ScrollFriendlyWheel::install(parameters_);
    ScrollFriendlyWheel::install(pictures);
    addDockWidget(Qt::RightDockWidgetArea, dock(tr("Settings"), "SettingsDock", settingsScroll));

    auto* curve = new QWidget;
    auto* curveLayout = new QVBoxLayout(curve);
    curveLayout->setContentsMargins(0, 0, 0, 0);
    curveLayout->addWidget(lossCurve_, 1);
    auto* relative = new QCheckBox(tr("Relative to start"));
    relative->setToolTip(
        tr("Each loss as a multiple of its value when the run started, at the weights it "
           "started with: a raised weight then does not look like a jump"));
    connect(relative, &QCheckBox::toggled, lossCurve_, &LossCurveView::setRelative);
    curveLayout->addWidget(relative);
    auto* progress = new QSplitter(Qt::Horizontal);
    progress->addWidget(curve);
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
                maskMode_->setMaskSize(comparison.size());
                if (framesShown_ == 0) {
                    preview_->setImage(comparison);  // the photo until the first frame
                }
                inputsChanged();
                runStatus_->showMessage(tr("Photo: %1").arg(name), 5000);
            });
    connect(session, &SessionWorker::contentCleared, this, [this] {
        contentSlot_->clear();
        preview_->setComparisonImage({});
        inputsChanged();
    });
    connect(session, &SessionWorker::styleAdded, this,
            [this](const QString& name, const QImage& thumbnail, QSize fullSize) {
                styleList_->addStyle(name, thumbnail, 1.0, fullSize);
                if (QFileInfo(name).isFile()) {
                    rememberRecent("paintings", name);
                }
                sendSettings();  // one blend weight more
                showPaintingsInMaskMode();
                applyPendingPreset();
                inputsChanged();
            });
    connect(session, &SessionWorker::styleRemoved, this, [this](int index) {
        if (const StyleRow* card = styleList_->row(index)) {
            regionHistories_.erase(card->path());
        }
        styleList_->removeStyle(index);
        maskMode_->removePainting(index);
        showPaintingsInMaskMode();
        sendSettings();
        inputsChanged();
    });
    connect(session, &SessionWorker::fastStyleApplied, this, [this](const QString& painting) {
        // The run starts from the stylised photo: Start refines it.
        StyleSettings settings = currentSettings();
        settings.init = InitKind::Image;
        showSettings(settings);
        parameters_->setInitImageName(tr("the fast style of %1").arg(painting));
        exportAction_->setEnabled(true);
        runStatus_->showMessage(
            tr("Stylised with the fast style of %1: export it, or Start to refine it")
                .arg(painting),
            10000);
    });
    connect(session, &SessionWorker::startFileChanged, this,
            [this](const QString& file, bool fastStyle) {
                startFile_ = file;
                startIsFastStyle_ = fastStyle;
            });
    connect(session, &SessionWorker::fastStyleStartMade, this, [this](const QString& painting) {
        parameters_->setInitImageName(tr("the fast style of %1").arg(painting));
    });
    connect(session, &SessionWorker::initImageLoaded, this, [this](const QString& name) {
        parameters_->setInitImageName(QFileInfo(name).fileName());
    });
    connect(session, &SessionWorker::loadFailed, this, [this](const QString& message) {
        pendingPreset_.reset();  // a painting of it is missing: its weights and masks would not fit
        banner_->addLoadError(message);
        runStatus_->showMessage(message, 10000);
    });
    connect(session, &SessionWorker::startDropped, this, [this](const QString& message) {
        // As for a preset's start that is gone: the settings say what the run starts from.
        StyleSettings settings = currentSettings();
        settings.init = InitKind::Content;
        showSettings(settings);
        banner_->addLoadError(message);
        runStatus_->showMessage(message, 10000);
    });
    connect(session, &SessionWorker::runFailed, this, &MainWindow::showError);
    connect(session, &SessionWorker::exportFailed, this, &MainWindow::showError);
    connect(session, &SessionWorker::exported, this, [this](const QString& file) {
        unexported_ = false;
        // An exported picture holds its recipe: a preset with its result as the thumbnail.
        rememberRecent("presets", file);
        runStatus_->showMessage(tr("Saved %1").arg(file), 10000);
    });
    connect(session, &SessionWorker::preparing, runStatus_, &RunStatusBar::showPreparation);
    connect(session, &SessionWorker::precisionChosen, runStatus_, &RunStatusBar::showPrecision);
    connect(session, &SessionWorker::featureInversionChosen, runStatus_,
            &RunStatusBar::showRunMode);
    // As the command line announces it: a print-size stage too large for memory goes in tiles.
    connect(session, &SessionWorker::tilingChosen, this, [this](const QString& tiling) {
        if (!tiling.isEmpty()) {
            runStatus_->showMessage(tiling, 10000);
        }
    });
    connect(session, &SessionWorker::iterationTargetRaised, this,
            [this](int target, const QString& why) {
                runTarget_ = target;
                runStatus_->showMessage(why, 10000);
            });
    connect(session, &SessionWorker::frameReady, this, &MainWindow::showFrame);
    connect(session, &SessionWorker::stateChanged, this, &MainWindow::showState);
    connect(
        session, &SessionWorker::settingsApplied, this,
        [this](const StyleSettings& settings, const SessionCounters&, int iteration, int revision) {
            if (shownIteration_ > 0 && revision > markedRevision_ && state_ != RunState::Idle) {
                markChange(settings, iteration);
                markedRevision_ = revision;
            }
        });
    connect(session, &SessionWorker::masksApplied, this, [this](const MaskSet&, int iteration) {
        if (shownIteration_ > 0 && state_ != RunState::Idle) {
            lossCurve_->addMarker(iteration, tr("masks painted"));
        }
    });
    connect(session, &SessionWorker::snapshotTaken, this,
            [this](int id, const QImage& thumbnail, int iteration, int run,
                   const StyleSettings& settings) {
                snapshots_->addSnapshot(id, thumbnail,
                                        tr("Run %1 \u00B7 %2").arg(run).arg(iteration));
                snapshots_->setSnapshotDetails(id, run, iteration, settings);
            });
    connect(session, &SessionWorker::snapshotShown, this,
            [this](int, const QImage& image, int iteration) {
                preview_->setImage(image);
                runStatus_->showMessage(tr("Showing the snapshot of iteration %1").arg(iteration),
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
    connect(session, &SessionWorker::settingsRestored, this, &MainWindow::showSettings);
    connect(session, &SessionWorker::masksRestored, this,
            [this](const MaskSet& masks) { setMasksFromOutside(masks); });
    connect(session, &SessionWorker::runRestored, this, [this](int iteration) {
        lossCurve_->clear();
        shownIteration_ = iteration;
        runStatus_->showMessage(
            tr("Restored at iteration %1: export it, or Continue").arg(iteration));
    });
    connect(session, &SessionWorker::autosaveFailed, this, [this](const QString& message) {
        showError(tr("Autosave failed, so a crash could lose this run: %1").arg(message));
    });

    connect(&maskMode_->editor(), &MaskEditor::masksChanged, this, [this](const MaskSet& masks) {
        sentRevision_ = controller_->worker().submitMasks(masks);
        std::vector<bool> usesPart;
        for (const std::optional<Mask>& source : masks.sources) {
            usesPart.push_back(source.has_value());
        }
        styleList_->showUsedParts(usesPart);
    });
    // A painting's source region goes with the other masks (MaskSet::sources).
    connect(styleList_, &StyleListView::partRequested, maskMode_, &MaskMode::askPartOfPainting);
    connect(styleList_, &StyleListView::wholeRequested, this,
            [this](int index) { maskMode_->editor().setSourceMask(index, std::nullopt); });
    // The worker holds the paintings' pictures: it sends the one to paint over.
    connect(styleList_, &StyleListView::paintPartRequested, this, [this](int index) {
        controller_->post([index](SessionWorker& worker) { worker.showPainting(index); });
    });
    connect(session, &SessionWorker::paintingShown, this, &MainWindow::paintPartOfPainting);
    connect(maskMode_, &MaskMode::failed, this, &MainWindow::showError);
    connect(maskMode_, &MaskMode::message, this,
            [this](const QString& text) { runStatus_->showMessage(text, 5000); });
    connect(strength_, &StrengthSlider::strengthChanged, this, &MainWindow::sendSettings);
    connect(contentSlot_, &ImageSlot::openRequested, this, &MainWindow::openContent);
    connect(contentSlot_, &ImageSlot::clearRequested, session, &SessionWorker::clearContent,
            Qt::QueuedConnection);
    connect(styleList_, &StyleListView::removeRequested, session, &SessionWorker::removeStyle,
            Qt::QueuedConnection);
    connect(styleList_, &StyleListView::weightChanged, this, [this] {
        const QList<double> weights = styleList_->weights();
        if (std::all_of(weights.begin(), weights.end(),
                        [](double weight) { return weight == 0; })) {
            // The engine refuses an all-zero blend; say why in the window's words.
            showError(
                tr("Every painting's weight is 0, so no style would be applied: give at "
                   "least one painting a weight above 0"));
            return;
        }
        banner_->clearMessage();
        sendSettings();
    });
    connect(parameters_, &ParameterPanel::settingsChanged, this, &MainWindow::sendSettings);
    connect(parameters_, &ParameterPanel::iterationTargetChanged, session,
            &SessionWorker::setIterationTarget, Qt::QueuedConnection);
    connect(parameters_, &ParameterPanel::iterationTargetChanged, this,
            [this](int iterations) { runTarget_ = iterations; });
    connect(parameters_, &ParameterPanel::snapshotIntervalChanged, session,
            &SessionWorker::setSnapshotInterval, Qt::QueuedConnection);
    connect(parameters_, &ParameterPanel::memoryLimitChanged, session,
            &SessionWorker::setMemoryLimitMiB, Qt::QueuedConnection);
    connect(parameters_, &ParameterPanel::memoryLimitChanged, this,
            [this](int mebibytes) { appSettings_.setMemoryLimitMiB(mebibytes); });
    connect(parameters_, &ParameterPanel::initImageRequested, this, &MainWindow::chooseInitImage);
    connect(snapshots_, &SnapshotStrip::snapshotActivated, session, &SessionWorker::showSnapshot,
            Qt::QueuedConnection);
    connect(snapshots_, &SnapshotStrip::exportRequested, this, &MainWindow::exportSnapshot);
    connect(snapshots_, &SnapshotStrip::continueRequested, this, [this](int id) {
        const int from = snapshots_->iterationOf(id);
        lossCurve_->truncateAfter(from);  // the curve goes on from the snapshot's iteration
        lossCurve_->addMarker(from, tr("continued from a snapshot"));
        shownIteration_ = from;
        runTarget_ = from + parameters_->iterationTarget();
        controller_->post([id, iterations = parameters_->iterationTarget()](SessionWorker& worker) {
            worker.continueFromSnapshot(id, iterations);
        });
    });
    connect(snapshots_, &SnapshotStrip::settingsRestoreRequested, this,
            [this](const StyleSettings& settings, const QString& caption) {
                showSettings(settings);
                runStatus_->showMessage(tr("Settings of %1 restored").arg(caption), 5000);
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
    if (!restoreGeometry(appSettings_.windowGeometry()) && screen() != nullptr) {
        // First run: most of the screen, else the docks' widths leave the preview a sliver
        // (160 px wide at 1280 x 800).
        const QRect available = screen()->availableGeometry();
        resize(available.size() * kFirstRunScreenShare);
        move(available.center() - rect().center());
    }
    restoreState(appSettings_.windowState());
    if (const auto settings = appSettings_.lastSettings()) {
        parameters_->setSettings(*settings);
    }
    parameters_->setIterationTarget(
        appSettings_.iterationTarget(ParameterPanel::kDefaultIterations));
    controller_->post([interval = parameters_->snapshotInterval()](SessionWorker& worker) {
        worker.setSnapshotInterval(interval);
    });
    // Through the panel's signal: the worker and the stored value follow it.
    parameters_->setMemoryLimitMiB(appSettings_.memoryLimitMiB());
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
    // A file by its name; a registry id is no name for people, the ready message has the title.
    runStatus_->showMessage(
        QFileInfo::exists(nameOrFile)
            ? tr("Loading the model %1...").arg(QFileInfo(nameOrFile).fileName())
            : tr("Loading the model..."));
    controller_->loadModel(nameOrFile);
}

void MainWindow::showModel(const ModelSummary& model) {
    modelReady_ = true;
    centre_->setCurrentWidget(preview_);
    // "auto" stands for whichever registry model was installed: remember that one.
    const QString chosen = isRegistryName(model.displayName) ? model.displayName : model.file;
    appSettings_.setLastModel(chosen);
    if (chosen == model.file) {
        // Listed in the model picker from now on.
        appSettings_.rememberModelFile(model.file, model.title);
        modelSelector_->refresh();
    }
    modelSelector_->setCurrentModel(chosen);
    parameters_->setModel(model);
    runStatus_->showModel(model);
    sendSettings();
    showState(RunState::Idle);
    runStatus_->showMessage(tr("Model %1 ready").arg(model.title), 5000);
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
    runStatus_->showMessage(message, 10000);
}

StyleSettings MainWindow::currentSettings() const {
    StyleSettings settings = parameters_->settings();
    if (draft_) {
        settings.outputSize = std::min(settings.outputSize, kDraftSize);
    }
    const QList<double> weights = styleList_->weights();
    settings.styleBlend.assign(weights.begin(), weights.end());
    settings.strength = strength_->strength();
    return settings;
}

void MainWindow::showSettings(const StyleSettings& settings) {
    parameters_->setSettings(settings);
    {
        const QSignalBlocker blocker(strength_);  // sent below with the rest
        strength_->setStrength(settings.strength);
    }
    // The blend applies when there is one weight per painting loaded now.
    if (static_cast<int>(settings.styleBlend.size()) == styleList_->count()) {
        for (int i = 0; i < styleList_->count(); ++i) {
            styleList_->setWeight(i, settings.styleBlend[i]);
        }
    }
    sendSettings();
}

int MainWindow::sendSettings() {
    sentRevision_ = controller_->worker().submitSettings(currentSettings());
    return sentRevision_;
}

void MainWindow::showPaintingsInMaskMode() {
    QStringList names;
    for (const QString& path : styleList_->paths()) {
        names.append(QFileInfo(path).fileName());
    }
    maskMode_->setPaintings(names);
}

void MainWindow::showFrame(const SessionFrame& frame) {
    preview_->setImage(frame.image);
    if (maskMode_->editor().maskSize().isEmpty()) {
        maskMode_->setMaskSize(frame.image.size());  // no photo: the masks take the picture's
    }
    for (const LossPoint& point : frame.lossHistory) {
        lossCurve_->addPoint(point.iteration, point.losses.total, point.losses.content,
                             point.losses.style, point.losses.totalVariation);
    }
    runStatus_->showFrame(frame, std::max(runTarget_, frame.iteration));
    unexported_ = true;
    shownIteration_ = frame.iteration;
    ++framesShown_;
    // There is a picture now: it can be kept and exported while the run goes on.
    snapshotAction_->setEnabled(true);
    exportAction_->setEnabled(true);
    printSizeAction_->setEnabled(true);
}

void MainWindow::showState(RunState state) {
    state_ = state;
    const bool running = state == RunState::Running;
    const bool hasResult = state == RunState::Paused || state == RunState::Stopped ||
                           state == RunState::Finished || (running && framesShown_ > 0);
    // A run needs a photo, a painting or both (a painting alone paints a texture).
    const bool hasInputs = contentSlot_->hasImage() || styleList_->count() > 0;
    startAction_->setEnabled(modelReady_ && !running && hasInputs);
    draftAction_->setEnabled(startAction_->isEnabled());
    startAction_->setToolTip(
        hasInputs ? tr("%1 (%2)").arg(startAction_->statusTip(),
                                      startAction_->shortcut().toString(QKeySequence::NativeText))
                  : tr("Add a photo or a painting first"));
    pauseAction_->setEnabled(running);
    resumeAction_->setEnabled(state == RunState::Paused);
    continueAction_->setEnabled(state == RunState::Stopped || state == RunState::Finished);
    stopAction_->setEnabled(running || state == RunState::Paused);
    snapshotAction_->setEnabled(hasResult);
    exportAction_->setEnabled(hasResult);
    printSizeAction_->setEnabled(hasResult);
    runStatus_->showState(state);
    showDraftState();
}

void MainWindow::markChange(const StyleSettings& settings, int iteration) {
    // A slider drag applies many settings in a row: one marker for them all, at the first,
    // saying what changed from before the drag to now.
    constexpr int kOneChangeMs = 1500;
    if (!sinceChange_.isValid() || sinceChange_.elapsed() > kOneChangeMs) {
        settingsBeforeChange_ = appliedSettings_;
        changeIteration_ = iteration;
    }
    sinceChange_.start();
    const QString change = describeChange(settingsBeforeChange_, settings);
    lossCurve_->addMarker(changeIteration_, change.isEmpty() ? tr("settings as before") : change);
    lossCurve_->setWeights(iteration, settings.contentWeight, settings.styleWeight,
                           settings.tvWeight);
    appliedSettings_ = settings;
}

void MainWindow::inputsChanged() {
    banner_->clearMessage();  // a complaint about the inputs is out of date now
    showState(state_);
}

void MainWindow::startRun() {
    beginRun(false);
}

void MainWindow::startDraft() {
    beginRun(true);
}

void MainWindow::renderFullSize() {
    draft_ = false;
    showDraftState();
    sendSettings();  // a running session resamples its image up and refines it
    if (state_ == RunState::Paused) {
        resumeRun();
    } else if (state_ == RunState::Stopped || state_ == RunState::Finished) {
        continueRun();
    }
}

void MainWindow::renderPrintSize() {
    // The picture's aspect is the run's; the size offered first is the output size.
    PrintSizeDialog dialog(preview_->image().size(), parameters_->outputSizeBox()->value(), this);
    if (dialog.exec() == QDialog::Accepted) {
        renderAtSize(dialog.longestSide());
    }
}

void MainWindow::renderAtSize(int longestSide) {
    // The output size as any other: shown in the panel, saved with presets and exports.
    parameters_->outputSizeBox()->setValue(longestSide);
    renderFullSize();
}

void MainWindow::showDraftState() {
    // Qt adds the application's name after it.
    setWindowTitle(draft_ ? tr("Draft at %1 px").arg(kDraftSize) : tr("Impasto"));
    fullSizeAction_->setEnabled(draft_ && state_ != RunState::Idle);
}

void MainWindow::beginRun(bool draft) {
    if (state_ == RunState::Paused || state_ == RunState::Stopped || state_ == RunState::Finished) {
        switch (askStartOver()) {
            case StartChoice::GoOn:
                state_ == RunState::Paused ? resumeRun() : continueRun();
                return;
            case StartChoice::StartOver:
                // Nothing is lost: the picture so far stays in the history.
                controller_->post([](SessionWorker& worker) { worker.takeSnapshot(); });
                break;
            case StartChoice::Cancel:
                return;
        }
    }
    banner_->hide();
    lossCurve_->clear();
    shownIteration_ = 0;
    draft_ = draft;
    showDraftState();
    markedRevision_ = sendSettings();  // the settings a run starts with are no change to mark
    appliedSettings_ = currentSettings();
    sinceChange_.invalidate();
    lossCurve_->setWeights(0, appliedSettings_.contentWeight, appliedSettings_.styleWeight,
                           appliedSettings_.tvWeight);
    runTarget_ = parameters_->iterationTarget();
    controller_->start(runTarget_);
}

MainWindow::StartChoice MainWindow::askStartOver() {
    QMessageBox box(QMessageBox::Question, tr("Start Over?"),
                    tr("There is a picture at iteration %1. Go on from it, or start again from "
                       "the beginning? Starting over keeps the picture so far as a snapshot.")
                        .arg(shownIteration_),
                    QMessageBox::Cancel, this);
    QPushButton* goOn = box.addButton(state_ == RunState::Paused ? tr("&Resume") : tr("&Continue"),
                                      QMessageBox::AcceptRole);
    QPushButton* startOver = box.addButton(tr("&Start Over"), QMessageBox::DestructiveRole);
    box.setDefaultButton(goOn);
    box.exec();
    if (box.clickedButton() == goOn) {
        return StartChoice::GoOn;
    }
    return box.clickedButton() == startOver ? StartChoice::StartOver : StartChoice::Cancel;
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
    runTarget_ = iterationTarget;
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
        banner_->clearLoadErrors();
        controller_->post([file](SessionWorker& worker) { worker.loadContent(file); });
    }
}

void MainWindow::setMasksFromOutside(const MaskSet& masks) {
    regionHistories_.clear();  // their steps undo to regions these masks replace
    maskMode_->editor().setMasks(masks);
}

void MainWindow::paintPartOfPainting(int index, const QImage& picture) {
    const StyleRow* card = styleList_->row(index);
    if (!card || findChild<SourceMaskDialog*>()) {
        return;  // gone meanwhile, or a region is being painted already
    }
    const QString path = card->path();
    const std::vector<std::optional<Mask>>& sources = maskMode_->editor().masks().sources;
    const std::optional<Mask> region =
        size_t(index) < sources.size() ? sources[size_t(index)] : std::nullopt;
    auto* dialog = new SourceMaskDialog(picture, index, QFileInfo(path).fileName(), region, this);
    // Strokes of an earlier opening can be undone, unless the region changed otherwise since.
    if (const auto kept = regionHistories_.find(path);
        kept != regionHistories_.end() && kept->second.region == region) {
        dialog->maskMode().editor().adoptHistory(kept->second.history);
    }
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, index, path] {
        // Only onto the painting it was painted over, should the list have changed meanwhile.
        const StyleRow* now = styleList_->row(index);
        if (now && now->path() == path) {
            const std::optional<Mask> painted = dialog->region();
            maskMode_->editor().setSourceMask(index, painted);
            regionHistories_[path] = {dialog->maskMode().editor().history(), painted};
        }
    });
    dialog->open();
}

void MainWindow::addStyles() {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add Paintings"), appSettings_.lastFolder("images"), kImageFilter);
    if (!files.isEmpty()) {
        banner_->clearLoadErrors();
    }
    for (const QString& file : files) {
        appSettings_.rememberFolderOf("images", file);
        controller_->post([file](SessionWorker& worker) { worker.addStyle(file); });
    }
}

void MainWindow::chooseInitImage() {
    const QString file = askFileToOpen(tr("Start From Image"), "images", kImageFilter);
    if (!file.isEmpty()) {
        banner_->clearLoadErrors();
        controller_->post([file](SessionWorker& worker) { worker.loadInitImage(file); });
    }
}

void MainWindow::openFastStyle() {
    const QString file = askFileToOpen(tr("Open Fast Style"), "fast-styles", kFastStyleFilter);
    if (!file.isEmpty()) {
        banner_->clearLoadErrors();
        fastStyles_->addFile(file);
    }
}

void MainWindow::trainFastStyle() {
    FastTrainingRequest defaults;
    defaults.painting = styleList_->paths().value(0);
    defaults.photosFolder = appSettings_.lastFolder("training-photos");
    if (!defaults.painting.isEmpty()) {
        defaults.styleFile =
            QDir(appSettings_.lastFolder("fast-styles"))
                .filePath(QFileInfo(defaults.painting).completeBaseName() + ".safetensors");
    }
    defaults.model = appSettings_.lastModel();
    defaults.settings = currentSettings();
    defaults.previewPhoto = contentSlot_->path();
    // Modeless: the window stays usable while it trains; closing it cancels the training.
    auto* dialog = new FastTrainingDialog(defaults, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FastTrainingDialog::styleTrained, this, [this](const QString& file) {
        appSettings_.rememberFolderOf("fast-styles", file);
        fastStyles_->addFile(file);
    });
    dialog->show();
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
    banner_->clearLoadErrors();
    bool contentTaken = contentSlot_->hasImage();
    for (const QUrl& url : urls) {
        if (!url.isLocalFile()) {
            banner_->addLoadError(
                tr("Only files on this computer can be used: %1").arg(url.toDisplayString()));
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
        banner_->clearLoadErrors();
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
    runStatus_->showMessage(tr("Exporting %1...").arg(file));
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
    savePresetTo(file);
}

void MainWindow::savePresetTo(const QString& file) {
    try {
        RunInputs inputs;
        for (const QString& painting : styleList_->paths()) {
            if (QFileInfo(painting).isFile()) {  // not a pasted picture
                inputs.styles.push_back(painting.toStdString());
            }
        }
        const StyleSettings settings = currentSettings();
        if (settings.init == InitKind::Image && !startFile_.isEmpty()) {
            inputs.initImage = startFile_.toStdString();  // loading the preset starts from it
            inputs.initIsFastStyle = startIsFastStyle_;
        }
        impasto::savePreset(file.toStdString(), settings, inputs);
        saveMasksBeside(file.toStdString(), maskMode_->editor().masks());
        // Without a picture yet, a preset has no thumbnail (none is deleted: it may be a
        // file of the user's).
        const bool withThumbnail =
            framesShown_ == 0 || savePresetThumbnail(file, preview_->image());
        rememberRecent("presets", file);
        runStatus_->showMessage(
            (withThumbnail ? tr("Saved the preset %1")
                           : tr("Saved the preset %1 (its thumbnail could not be written)"))
                .arg(file),
            5000);
    } catch (const std::exception& error) {
        showError(QString::fromUtf8(error.what()));
    }
}

void MainWindow::loadPreset() {
    // An exported picture holds its settings and masks too (PNG, JPEG or TIFF).
    const QString file = askFileToOpen(
        tr("Load Preset"), "presets",
        tr("Impasto presets and exported images (*.json *.png *.jpg *.jpeg *.tif *.tiff)"));
    if (!file.isEmpty()) {
        loadPresetFile(file);
    }
}

// A preset file as read off the window's thread: its recipe, the paintings it names and its
// masks, or why it could not be read.
struct PresetRead {
    Recipe recipe;
    QStringList paintings;  // the files it names that are there
    QStringList missing;    // and those that are gone
    MaskSet masks;
    QString start;  // the image (or fast style) its run started from, when it is there
    bool startIsFastStyle = false;
    QString missingStart;  // the one it names when it is gone
    QString error;         // empty when it read
};

namespace {

PresetRead readPreset(const QString& file, const QStringList& shownPaintings) {
    PresetRead read;
    try {
        read.recipe = impasto::loadRecipe(file.toStdString());
        std::tie(read.paintings, read.missing) = presetPaintings(read.recipe.inputs);
        const bool replacing = !read.paintings.isEmpty() && read.paintings != shownPaintings;
        // A preset's masks are PNG files beside it (ui/session/MaskFilesBeside.h); an exported
        // image's are inside it (core/image/EmbeddedMasks.h). Read before anything is applied:
        // a damaged one leaves the window as it was.
        const MaskSet embedded = readEmbeddedMasks(file.toStdString());
        read.masks = embedded.any()
                         ? embedded
                         : loadMasksBeside(file.toStdString(),
                                           static_cast<int>(replacing ? read.paintings.size()
                                                                      : shownPaintings.size()));
        if (!read.missing.isEmpty() || read.paintings.isEmpty()) {
            // The paintings' masks belong to the preset's own paintings, not to those here.
            read.masks.paintings.clear();
            read.masks.sources.clear();
        }
        const std::optional<std::string>& start = read.recipe.inputs.initImage;
        if (read.recipe.settings.init == InitKind::Image && start) {
            (QFileInfo(QString::fromStdString(*start)).isFile() ? read.start : read.missingStart) =
                QString::fromStdString(*start);
            read.startIsFastStyle = read.recipe.inputs.initIsFastStyle;
        }
        if (!read.missingStart.isEmpty()) {
            read.recipe.settings.init = InitKind::Content;  // what the run can start from now
        }
    } catch (const std::exception& error) {
        read.error = QString::fromUtf8(error.what());
    }
    return read;
}

}  // namespace

void MainWindow::loadPresetFile(const QString& file) {
    // Masks make an exported picture's file large: the window goes on while it is read.
    runStatus_->showMessage(tr("Loading the preset %1...").arg(file));
    // Reads can finish out of order: only the preset chosen last is shown.
    const int generation = ++presetGeneration_;
    inBackground(
        this, [file, shown = styleList_->paths()] { return readPreset(file, shown); },
        [this, file, generation](const PresetRead& read) {
            if (generation != presetGeneration_) {
                return;
            }
            applyPresetRead(file, read);
            Q_EMIT presetRead(file);
        });
}

void MainWindow::applyPresetRead(const QString& file, const PresetRead& read) {
    if (!read.error.isEmpty()) {
        showError(read.error);
        return;
    }
    // Called from a queued callback: nothing may escape to Qt's event loop.
    try {
        showSettings(read.recipe.settings);
        // The paintings may have changed while the preset was read.
        if (!read.paintings.isEmpty() && read.paintings != styleList_->paths()) {
            // Its own paintings replace these (still a click away in the gallery); its blend
            // weights and masks follow once the worker has them all.
            pendingPreset_ = PendingPreset{read.paintings, read.recipe.settings, read.masks};
            controller_->post([paintings = read.paintings](SessionWorker& worker) {
                worker.replaceStyles(paintings);
            });
        } else if (read.masks.any()) {
            setMasksFromOutside(read.masks);
        }
        // After the paintings: a start that fails to load leaves their weights and masks be.
        if (!read.start.isEmpty()) {
            controller_->post(
                [start = read.start, fastStyle = read.startIsFastStyle](SessionWorker& worker) {
                    fastStyle ? worker.startFromFastStyle(start) : worker.loadInitImage(start);
                });
        }
        rememberRecent("presets", file);
        runStatus_->showMessage(tr("Loaded the preset %1").arg(file), 5000);
        if (!read.missing.isEmpty()) {
            banner_->addLoadError(
                tr("The preset names paintings that are no longer there: %1. Add them again "
                   "(or others) and save the preset anew.")
                    .arg(read.missing.join(", ")));
        }
        if (!read.missingStart.isEmpty()) {
            banner_->addLoadError(
                tr("The preset starts from %1, which is no longer there: the run starts from "
                   "the photo. Choose \"Image file...\" under Start from for another.")
                    .arg(read.missingStart));
        }
    } catch (const std::exception& error) {
        showError(QString::fromUtf8(error.what()));
    }
}

void MainWindow::applyPendingPreset() {
    if (!pendingPreset_ || styleList_->paths() != pendingPreset_->paintings) {
        return;
    }
    showSettings(pendingPreset_->settings);
    if (pendingPreset_->masks.any()) {
        setMasksFromOutside(std::move(pendingPreset_->masks));
    }
    pendingPreset_.reset();
    sendSettings();
}

void MainWindow::rememberRecent(const QString& purpose, const QString& file) {
    appSettings_.rememberRecentFile(purpose, file);
    gallery_->refresh();
}

void MainWindow::showShortcuts() {
    auto* dialog = new ShortcutsDialog(findChildren<QAction*>(Qt::FindDirectChildrenOnly), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::showGettingStarted() {
    QMessageBox::information(
        this, tr("Getting Started"),
        tr("<ol><li><b>Photo</b>: drop a photo on the window, paste one (Ctrl+V) or open one "
           "(Ctrl+O).</li>"
           "<li><b>Paintings</b>: drop one or more paintings on the Paintings list; their "
           "sliders blend them.</li>"
           "<li><b>Start</b> (Ctrl+Return): the picture forms in the middle. Change the "
           "settings on the right while it runs: the run takes them at once.</li>"
           "<li><b>Export</b> (Ctrl+E) when you like it. Snapshots below keep earlier versions, "
           "with their settings, to go back to.</li></ol>"
           "<p>A run that was never exported is kept and offered back after a crash.</p>"));
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About Impasto"),
        tr("<h3>Impasto %1</h3><p>Repaints a photo in the manner of a painting: neural style "
           "transfer after Gatys, Ecker and Bethge.</p><p>Built with Qt %2 and LibTorch.</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::quit() {
    if (unexported_) {
        QMessageBox box(QMessageBox::Question, tr("Quit Impasto?"),
                        tr("The picture at iteration %1 is not exported. It is kept, and offered "
                           "back the next time Impasto starts.")
                            .arg(shownIteration_),
                        QMessageBox::Cancel, this);
        QPushButton* exportFirst = box.addButton(tr("&Export First..."), QMessageBox::AcceptRole);
        QPushButton* quitNow = box.addButton(tr("&Quit"), QMessageBox::DestructiveRole);
        box.setDefaultButton(quitNow);
        box.exec();
        if (box.clickedButton() == exportFirst) {
            exportResult();
            return;
        }
        if (box.clickedButton() != quitNow) {
            return;
        }
    }
    close();
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

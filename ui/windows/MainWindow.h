#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QMainWindow>
#include <QStringList>
#include <QUrl>

#include <map>
#include <optional>

#include "core/settings/StyleSettings.h"
#include "ui/session/MaskSet.h"
#include "ui/session/ModelSummary.h"
#include "ui/session/RunState.h"
#include "ui/session/SessionFrame.h"
#include "ui/settings/AppSettings.h"
#include "ui/widgets/MaskEditor.h"

class QAction;
class QStackedWidget;

namespace impasto::ui {

class FastStyleList;
class ImageSlot;
class LossCurveView;
class MaskMode;
class MessageBanner;
class ModelSelector;
class ModelSetupPanel;
class ParameterPanel;
class PreviewView;
class RecentFilesMenu;
class RunStatusBar;
struct PresetRead;
class SessionController;
class SnapshotStrip;
class StyleGallery;
class StrengthSlider;
class StyleListView;

// The desktop app: photo and paintings in (drop, open or paste), settings on the right, the
// picture forming in the middle, losses and snapshots below, export with Ctrl+E. It only shows
// and forwards: the SessionController's worker thread does all computing.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // Where dropped or pasted images go.
    enum class DropTarget {
        Automatic,  // the photo while there is none, then paintings
        Content,
        Style,
    };

    // Loads `model` (a registry name or weight file) or else the one used last time.
    explicit MainWindow(const QString& model = QString(), QWidget* parent = nullptr);
    ~MainWindow() override;

    // A registry model name or a weight file; the window falls back to "Open a weight file" or
    // the download offer when it cannot be loaded.
    void loadModel(const QString& nameOrFile);
    // Local files among `urls` go to `target`; others are refused with a message.
    void openUrls(const QList<QUrl>& urls, DropTarget target);
    // Exports the current result (settled first) as PNG at the output size, settings embedded.
    void exportTo(const QString& file, int bitDepth);
    // Where a drop at `position` (window coordinates) goes.
    DropTarget dropTargetAt(QPoint position) const;

    SessionController& controller() const { return *controller_; }
    ParameterPanel* parameterPanel() const { return parameters_; }
    PreviewView* preview() const { return preview_; }
    ImageSlot* contentSlot() const { return contentSlot_; }
    StyleListView* styleList() const { return styleList_; }
    LossCurveView* lossCurve() const { return lossCurve_; }
    SnapshotStrip* snapshotStrip() const { return snapshots_; }
    MessageBanner* banner() const { return banner_; }
    ModelSelector* modelSelector() const { return modelSelector_; }
    ModelSetupPanel* modelSetupPanel() const { return setupPanel_; }
    RunStatusBar* runStatus() const { return runStatus_; }
    MaskMode& maskMode() const { return *maskMode_; }
    StrengthSlider* strengthSlider() const { return strength_; }
    QAction* pasteAction() const { return pasteAction_; }
    QAction* startAction() const { return startAction_; }
    QAction* pauseAction() const { return pauseAction_; }
    QAction* resumeAction() const { return resumeAction_; }
    QAction* continueAction() const { return continueAction_; }
    QAction* stopAction() const { return stopAction_; }
    QAction* exportAction() const { return exportAction_; }
    QAction* shortcutsAction() const { return shortcutsAction_; }
    QAction* quitAction() const { return quitAction_; }
    RecentFilesMenu* recentPaintingsMenu() const { return recentPaintings_; }
    RecentFilesMenu* recentPresetsMenu() const { return recentPresets_; }
    StyleGallery* gallery() const { return gallery_; }
    FastStyleList* fastStyles() const { return fastStyles_; }
    // Saves the settings, the paintings' file names, the masks and the picture's thumbnail as
    // a preset (what File > Save Preset does after its dialog).
    void savePresetTo(const QString& file);
    QAction* draftAction() const { return draftAction_; }
    QAction* fullSizeAction() const { return fullSizeAction_; }
    QAction* printSizeAction() const { return printSizeAction_; }

    // The longest side of a draft.
    static constexpr int kDraftSize = 256;
    // The share of the screen's free area the window takes on the first run.
    static constexpr double kFirstRunScreenShare = 0.9;
    // A model is loaded (Start then waits only for a photo or a painting).
    bool isModelReady() const { return modelReady_; }
    // The iteration of the newest frame shown (0 before any).
    int shownIteration() const { return shownIteration_; }
    int framesShown() const { return framesShown_; }
    // The revision of the settings sent last (SessionWorker::submitSettings).
    int sentSettingsRevision() const { return sentRevision_; }

Q_SIGNALS:
    // A preset file chosen to load has been read (off the window's thread) and shown, or
    // refused with a message (for tests).
    void presetRead(const QString& file);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildActions();
    void buildMenus();
    void buildToolBar();
    void buildLayout();
    void connectSession();
    void restoreSession(const QString& model);

    // The parameter panel's settings with the paintings' blend weights.
    StyleSettings currentSettings() const;
    // Shows `settings` in the panel (and the blend on the paintings when it fits) and sends them.
    void showSettings(const StyleSettings& settings);
    // Returns their revision.
    int sendSettings();
    // The paintings changed: the mask mode's list follows.
    void showPaintingsInMaskMode();
    // Paint Region of This Painting: a SourceMaskDialog over `picture`; its OK hands the
    // region to the run as Use Part does an imported one.
    void paintPartOfPainting(int index, const QImage& picture);
    // Masks from a preset or a recovered session: the editor's, with no region history left.
    void setMasksFromOutside(const MaskSet& masks);
    void showFrame(const SessionFrame& frame);
    void showState(RunState state);
    // A photo or painting came or went: Start follows, an out-of-date complaint goes.
    void inputsChanged();
    void showModel(const ModelSummary& model);
    void showModelSetup(const QString& message);
    void showError(const QString& message);

    // Start on a run that has a picture asks first: going on, starting over or neither.
    enum class StartChoice { GoOn, StartOver, Cancel };
    StartChoice askStartOver();
    // Marks on the loss curve what `settings`, applied at `iteration` of a run, changed.
    void markChange(const StyleSettings& settings, int iteration);
    void startRun();
    // A run at kDraftSize at most, to try settings out quickly; renderFullSize() goes on from it
    // at the output size.
    void startDraft();
    void renderFullSize();
    // Asks for a size (PrintSizeDialog), then goes on from the picture at it.
    void renderPrintSize();
    void renderAtSize(int longestSide);
    void beginRun(bool draft);
    // The window's title says when the run is a draft; Render at Full Size is there for one.
    void showDraftState();
    void pauseRun();
    void resumeRun();
    void continueRun();
    void stopRun();
    // Goes on from the current image until `iterationTarget`.
    void resume(int iterationTarget);

    void openContent();
    void addStyles();
    void chooseInitImage();
    void openWeightFile();
    void openFastStyle();
    // The Train Fast Style dialog, filled with the current painting, photo and settings.
    void trainFastStyle();
    void paste();
    void exportResult();
    void exportSnapshot(int id);
    void savePreset();
    void loadPreset();
    // Reads `file` with its masks on Qt's thread pool, then shows it (applyPresetRead).
    void loadPresetFile(const QString& file);
    void applyPresetRead(const QString& file, const PresetRead& read);
    // Remembers `file` among the recent ones for `purpose` and shows it in the gallery.
    void rememberRecent(const QString& purpose, const QString& file);
    // Once the worker has loaded a restored preset's paintings, its blend weights and masks.
    void applyPendingPreset();
    void showAbout();
    void showShortcuts();
    // Quit (Ctrl+Q): with a picture not exported, says that it is kept and asks first.
    void quit();
    void showGettingStarted();

    // An Open dialog starting in the folder last used for `purpose`, which then remembers the
    // chosen file's folder; empty when cancelled.
    QString askFileToOpen(const QString& title, const QString& purpose, const QString& filter);
    // "PNG, 8 bits per channel" or 16: the save dialog's filter decides the bit depth.
    QString askExportFile(const QString& suggestedName, int* bitDepth);

    AppSettings appSettings_;
    SessionController* controller_;

    PreviewView* preview_;
    MessageBanner* banner_;
    ModelSetupPanel* setupPanel_;
    QStackedWidget* centre_;
    ModelSelector* modelSelector_;
    ImageSlot* contentSlot_;
    StyleListView* styleList_;
    ParameterPanel* parameters_;
    LossCurveView* lossCurve_;
    SnapshotStrip* snapshots_;
    RunStatusBar* runStatus_;
    MaskMode* maskMode_;
    StrengthSlider* strength_;
    StyleGallery* gallery_;
    FastStyleList* fastStyles_;

    QAction* openContentAction_;
    QAction* addStyleAction_;
    QAction* pasteAction_;
    QAction* openWeightsAction_;
    QAction* exportAction_;
    QAction* savePresetAction_;
    QAction* loadPresetAction_;
    QAction* quitAction_;
    RecentFilesMenu* recentPaintings_;
    RecentFilesMenu* recentPresets_;
    QAction* startAction_;
    QAction* draftAction_;
    QAction* fullSizeAction_;
    QAction* printSizeAction_;
    QAction* pauseAction_;
    QAction* resumeAction_;
    QAction* continueAction_;
    QAction* stopAction_;
    QAction* snapshotAction_;
    QAction* zoomInAction_;
    QAction* zoomOutAction_;
    QAction* fitAction_;
    QAction* actualSizeAction_;
    QAction* compareAction_;
    QAction* aboutAction_;
    QAction* shortcutsAction_;
    QAction* gettingStartedAction_;

    bool modelReady_ = false;
    RunState state_ = RunState::Idle;
    int shownIteration_ = 0;
    int framesShown_ = 0;
    int markedRevision_ = 0;
    int sentRevision_ = 0;
    int runTarget_ = 0;                   // the iteration the run (or its Continue) goes to
    int presetGeneration_ = 0;            // counts presets chosen to load; the last one is shown
    bool unexported_ = false;             // a picture was shown and not exported since
    bool draft_ = false;                  // the run is a draft, at kDraftSize at most
    StyleSettings appliedSettings_;       // as the run has them now
    StyleSettings settingsBeforeChange_;  // before the change the newest marker describes
    int changeIteration_ = 0;             // where that marker is
    QElapsedTimer sinceChange_;
    QString contentName_;
    // The file the run's starting image comes from (SessionWorker::startFileChanged), for
    // presets to name.
    QString startFile_;
    bool startIsFastStyle_ = false;
    // A preset whose paintings the worker is loading: its settings and masks apply once the
    // last of them is in (blend weights and masks are per painting).
    struct PendingPreset {
        QStringList paintings;
        StyleSettings settings;
        MaskSet masks;
    };
    std::optional<PendingPreset> pendingPreset_;
    // Each painting's region history (by its file) as its region dialog's OK left it, with the
    // region it gave: the painting's next dialog takes it back while the region is that one.
    // Forgotten when the painting is removed or masks come from outside (setMasksFromOutside).
    struct RegionHistory {
        MaskEditor::History history;
        std::optional<Mask> region;
    };
    std::map<QString, RegionHistory> regionHistories_;
};

}  // namespace impasto::ui

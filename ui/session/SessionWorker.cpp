#include "ui/session/SessionWorker.h"

#include <QMetaObject>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>

#include "core/common/Error.h"
#include "core/common/Text.h"
#include "core/fast/FastStyleApply.h"
#include "core/fast/FastStyleFile.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"
#include "core/image/Resize.h"
#include "core/image/StrengthBlend.h"
#include "core/model/ComputeDevice.h"
#include "core/model/ModelLoader.h"
#include "core/model/TensorMemoryLimit.h"
#include "core/registry/ModelChoice.h"
#include "core/registry/ModelRegistry.h"
#include "core/settings/SettingNames.h"
#include "core/settings/SettingsJson.h"
#include "core/style/StyleSession.h"
#include "ui/session/ImageConversion.h"

namespace impasto::ui {

namespace {

QStringList toQStringList(const std::vector<std::string>& strings) {
    QStringList list;
    for (const std::string& text : strings) {
        list.append(QString::fromStdString(text));
    }
    return list;
}

ModelSummary summaryOf(const StyleSession& session, const QString& displayName) {
    const ModelInfo& info = session.model();
    ModelSummary summary;
    summary.displayName = displayName;
    summary.title = QString::fromStdString(info.title);
    summary.file = QString::fromStdString(info.file.string());
    summary.deviceName = QString::fromStdString(session.deviceName());
    summary.computeThreads = computeThreads();
    summary.availableLayers = toQStringList(info.availableLayers);
    summary.defaultContentLayers = toQStringList(info.defaultContentLayers);
    summary.defaultStyleLayers = toQStringList(info.defaultStyleLayers);
    return summary;
}

// Inputs are kept at up to the largest output size, which is all a run can use.
LoadedImage loadInput(const QString& file) {
    ImageLoadOptions options;
    options.maxSide = kMaximumOutputSize;
    return loadImage(file.toStdString(), options);
}

QString messageOf(const std::exception& error) {
    return QString::fromUtf8(error.what());
}

// A photo and no painting is feature inversion: started at the photo it would be the photo, and
// the model's usual content layer still holds it too closely to rebuild from noise. So it starts
// from noise at the model's inversion layer, as the CLI does, unless the panel was moved off
// the starting photo or the usual content layer (its defaults).
StyleSettings asFeatureInversion(StyleSettings settings, const ModelInfo& model) {
    if (settings.init == InitKind::Content) {
        settings.init = InitKind::Noise;
    }
    const bool usualLayer =
        settings.contentLayers.empty() ||
        (settings.contentLayers.size() == 1 && !model.defaultContentLayers.empty() &&
         settings.contentLayers.front().layer == model.defaultContentLayers.front());
    if (usualLayer) {
        settings.contentLayers.clear();
        for (const std::string& layer : model.inversionContentLayers) {
            settings.contentLayers.push_back({layer, 1.0});
        }
    }
    return settings;
}

}  // namespace

SessionWorker::SessionWorker(int thumbnailSide, QObject* parent)
    : QObject(parent),
      thumbnailSide_(thumbnailSide),
      frameThrottle_(std::chrono::milliseconds(kFrameIntervalMs)) {}

SessionWorker::~SessionWorker() = default;

int SessionWorker::submitSettings(const StyleSettings& settings) {
    const int revision = mailbox_.submit(settings);
    takeSettingsWhenIdle();
    return revision;
}

int SessionWorker::submitMasks(MaskSet masks) {
    const int revision = mailbox_.submitMasks(std::move(masks));
    takeSettingsWhenIdle();
    return revision;
}

void SessionWorker::takeSettingsWhenIdle() {
    QMetaObject::invokeMethod(
        this,
        [this] {
            // A run takes them at its next step and reports them after it.
            if (state_ != RunState::Running && takeSettings()) {
                reportSettings();
            }
        },
        Qt::QueuedConnection);
}

void SessionWorker::interrupt() {
    const std::lock_guard lock(sessionMutex_);
    if (session_) {
        session_->cancel();
    }
}

void SessionWorker::frameConsumed() {
    frameThrottle_.consumed();
}

template <typename Load>
bool SessionWorker::tryLoad(Load&& load) {
    try {
        load();
        return true;
    } catch (const std::exception& error) {
        Q_EMIT loadFailed(messageOf(error));
        return false;
    }
}

void SessionWorker::loadModel(const QString& nameOrFile) {
    try {
        const std::string argument = nameOrFile.toStdString();
        const ModelChoice choice = chooseModelOrFile(argument);
        auto session = std::make_unique<StyleSession>(impasto::loadModel(choice));
        session->setPreparationObserver([this](const std::string& stage, int done, int total) {
            Q_EMIT preparing(QString::fromStdString(stage), done, total);
        });
        session->setContent(content_);
        session->setStyles(styles_);
        session->setInitImage(initImage_);
        try {
            session->applySettings(settingsFor(*session));
        } catch (const Error&) {
            // Layers of the previous model: this one's recommended layers instead.
            StyleSettings recommended = settings_;
            recommended.contentLayers.clear();
            recommended.styleLayers.clear();
            std::swap(settings_, recommended);
            try {
                session->applySettings(settingsFor(*session));
            } catch (const Error&) {
                std::swap(settings_, recommended);
                throw;
            }
        }
        sessionMasks_ = {};  // the new session has none yet
        handMasksToSession(*session);
        // Only a session that is ready replaces the running one: a failure keeps the old.
        {
            const std::lock_guard lock(sessionMutex_);
            session_.swap(session);
        }
        useAllCores();  // per thread: this is the one that computes, and its count is shown
        modelName_ = QString::fromStdString(choice.displayName);
        modelSource_ = nameOrFile;
        started_ = false;
        setState(RunState::Idle);
        Q_EMIT modelLoaded(summaryOf(*session_, modelName_));
        reportedPrecision_ = {};
        reportPrecision();
    } catch (const std::exception& error) {
        // The load interrupted the running step (SessionController::loadModel): go on with the
        // model there was.
        if (session_) {
            session_->clearCancel();
            if (state_ == RunState::Running) {
                scheduleStep();
            }
        }
        Q_EMIT modelLoadFailed(messageOf(error));
    }
}

void SessionWorker::loadContent(const QString& file) {
    tryLoad([&] {
        LoadedImage loaded = loadInput(file);
        const QSize fullSize(loaded.info.originalWidth, loaded.info.originalHeight);
        content_ = std::move(loaded.image);
        recovery_.setContentFile(file);
        handToSession(Input::Content);
        const QImage comparison = toQImage(resizeToMaxSide(*content_, kComparisonSide));
        Q_EMIT contentLoaded(file, thumbnailOf(comparison), comparison, fullSize);
    });
}

void SessionWorker::loadContentImage(const QImage& image, const QString& name) {
    tryLoad([&] {
        content_ = fromQImage(image, name);
        recovery_.setContentFile({});
        handToSession(Input::Content);
        const QImage comparison = toQImage(resizeToMaxSide(*content_, kComparisonSide));
        Q_EMIT contentLoaded(name, thumbnailOf(comparison), comparison, image.size());
    });
}

void SessionWorker::clearContent() {
    content_.reset();
    recovery_.setContentFile({});
    handToSession(Input::Content);
    Q_EMIT contentCleared();
}

void SessionWorker::addStyle(const QString& file) {
    tryLoad([&] {
        LoadedImage loaded = loadInput(file);
        const QSize fullSize(loaded.info.originalWidth, loaded.info.originalHeight);
        styles_.push_back(std::move(loaded.image));
        recovery_.addStyleFile(file);
        handToSession(Input::Styles);
        Q_EMIT styleAdded(
            file, thumbnailOf(toQImage(resizeToMaxSide(styles_.back(), thumbnailSide_))), fullSize);
    });
}

void SessionWorker::addStyleImage(const QImage& image, const QString& name) {
    tryLoad([&] {
        styles_.push_back(fromQImage(image, name));
        recovery_.addStyleFile({});
        handToSession(Input::Styles);
        Q_EMIT styleAdded(name, thumbnailOf(image), image.size());
    });
}

void SessionWorker::showPainting(int index) {
    if (index >= 0 && index < static_cast<int>(styles_.size())) {
        Q_EMIT paintingShown(index,
                             toQImage(resizeToMaxSide(styles_[size_t(index)], kComparisonSide)));
    }
}

void SessionWorker::removeStyle(int index) {
    if (index < 0 || index >= static_cast<int>(styles_.size())) {
        return;
    }
    styles_.erase(styles_.begin() + index);
    // Its mask goes with it, so later paintings keep theirs until the window's own list comes.
    if (index < static_cast<int>(masks_.paintings.size())) {
        masks_.paintings.erase(masks_.paintings.begin() + index);
    }
    if (index < static_cast<int>(masks_.sources.size())) {
        masks_.sources.erase(masks_.sources.begin() + index);
    }
    recovery_.removeStyleFile(index);
    handToSession(Input::Styles);
    Q_EMIT styleRemoved(index);
}

void SessionWorker::replaceStyles(const QStringList& files) {
    while (!styles_.empty()) {
        removeStyle(static_cast<int>(styles_.size()) - 1);
    }
    for (const QString& file : files) {
        addStyle(file);
    }
}

void SessionWorker::loadInitImage(const QString& file) {
    try {
        initImage_ = loadInput(file).image;
        setStartFile(StartFile{file.toStdString(), false});
        handToSession(Input::InitImage);
        Q_EMIT initImageLoaded(file);
    } catch (const std::exception& error) {
        dropStart(tr("The starting image %1 could not be read (%2): the run starts from the "
                     "photo.")
                      .arg(file, messageOf(error)));
    }
}

void SessionWorker::dropStart(const QString& message) {
    // An earlier start left in place would be run from and saved as this one.
    initImage_.reset();
    setStartFile(std::nullopt);
    handToSession(Input::InitImage);
    Q_EMIT startDropped(message);
}

void SessionWorker::shareInputs() {
    std::vector<QString> paintingFiles;
    for (const std::string& file : recovery_.inputFiles().styles) {
        paintingFiles.push_back(QString::fromStdString(file));
    }
    Q_EMIT inputsShared(std::make_shared<const SessionInputs>(
        SessionInputs{modelSource_, styles_, std::move(paintingFiles), settings_, masks_}));
}

void SessionWorker::adoptInputs(const SharedSessionInputs& inputs) {
    recovery_.keepNothing();
    styles_ = inputs->paintings;
    for (size_t i = 0; i < styles_.size(); ++i) {
        recovery_.addStyleFile(i < inputs->paintingFiles.size() ? inputs->paintingFiles[i]
                                                                : QString());
    }
    // Each photo starts from itself: the window's starting image belongs to its own photo.
    StyleSettings settings = inputs->settings;
    if (settings.init == InitKind::Image) {
        settings.init = InitKind::Content;
    }
    mailbox_.submit(settings);
    mailbox_.submitMasks(inputs->masks);
    takeSettings();
    if (!inputs->model.isEmpty()) {
        loadModel(inputs->model);  // without one, each run says to choose a model
    }
    Q_EMIT inputsAdopted();
}

void SessionWorker::applyFastStyle(const QString& file) {
    if (!content_) {
        Q_EMIT loadFailed(tr("Open a photo first: a fast style stylises the photo"));
        return;
    }
    tryLoad([&] {
        const FastStyle style = readFastStyle(file.toStdString());
        Image styled = stylisedPhoto(style);
        if (state_ == RunState::Running) {
            stop();
        }
        initImage_ = styled;
        setStartFile(StartFile{file.toStdString(), true});
        handToSession(Input::InitImage);
        // Its recipe: the fast style's result, refined for 0 iterations.
        StyleSettings fromStyle = settings_;
        fromStyle.init = InitKind::Image;
        const int id = keepSnapshot({styled, 0, fromStyle, ++runNumber_});
        showSnapshot(id);
        restoredSnapshot_ = id;  // what Export writes until a run steps from it
        started_ = false;
        if (session_) {
            session_->setCurrentImage(styled, 0);
            setState(RunState::Stopped);
        }
        Q_EMIT fastStyleApplied(QString::fromStdString(style.paintingName));
    });
}

void SessionWorker::startFromFastStyle(const QString& file) {
    if (!content_) {
        dropStart(tr("The run starts from the fast style %1 on the photo: open a photo, then "
                     "choose that style in the fast styles list. Until then it starts from the "
                     "photo.")
                      .arg(file));
        return;
    }
    try {
        const FastStyle style = readFastStyle(file.toStdString());
        initImage_ = stylisedPhoto(style);
        setStartFile(StartFile{file.toStdString(), true});
        handToSession(Input::InitImage);
        Q_EMIT fastStyleStartMade(QString::fromStdString(style.paintingName));
    } catch (const std::exception& error) {
        dropStart(tr("The fast style %1 could not be read (%2): the run starts from the photo.")
                      .arg(file, messageOf(error)));
    }
}

void SessionWorker::setStartFile(std::optional<StartFile> file) {
    initFile_ = std::move(file);
    Q_EMIT startFileChanged(initFile_ ? QString::fromStdString(initFile_->path) : QString(),
                            initFile_ && initFile_->fastStyle);
}

Image SessionWorker::stylisedPhoto(const FastStyle& style) const {
    FastApplyOptions options = fastApplyOptions(settings_);
    options.threads = computeThreads();  // the session's count, left as it is
    return impasto::applyFastStyle(*style.network, resizeToMaxSide(*content_, settings_.outputSize),
                                   options);
}

void SessionWorker::handToSession(Input changed) {
    if (changed == Input::Content && initFile_ && initFile_->fastStyle) {
        // The start is the fast style's result on the previous photo: recipes may not name it.
        setStartFile(std::nullopt);
    }
    if (!session_) {
        return;
    }
    switch (changed) {
        case Input::Content:
            session_->setContent(content_);
            break;
        case Input::Styles:
            session_->setStyles(styles_);
            break;
        case Input::InitImage:
            session_->setInitImage(initImage_);
            break;
    }
    // What the session can use depends on the inputs: a blend weight per painting, content to
    // start from.
    applyToSession();
}

void SessionWorker::start(int iterationTarget) {
    if (!requireSession("start")) {
        return;
    }
    session_->restart();
    saveMasks();  // a new run's autosave has its masks, not an earlier run's
    restoredSnapshot_.reset();
    ++runNumber_;
    averageStepSeconds_ = 0.0;
    unsentLosses_.clear();
    run(iterationTarget, true);
}

void SessionWorker::resume(int iterationTarget) {
    if (!requireSession("resume")) {
        return;
    }
    run(iterationTarget, false);
}

void SessionWorker::run(int iterationTarget, bool fromStart) {
    session_->clearCancel();
    if (takeSettings()) {
        mailbox_.markReported();  // the first frames show them; there is no change to mark
    }
    iterationTarget_ = iterationTarget;
    session_->setIterationBudget(iterationTarget);
    if (!fromStart && started_ && session_->iteration() >= iterationTarget_) {
        emitFrame(FrameThrottle::Timing::Forced);
        setState(RunState::Finished);
        return;
    }
    setState(RunState::Running);
    scheduleStep();
}

void SessionWorker::pause() {
    if (session_) {
        session_->clearCancel();
    }
    if (state_ == RunState::Running) {
        emitFrame(FrameThrottle::Timing::Forced);
        autosave(true);
        setState(started_ ? RunState::Paused : RunState::Idle);
    }
}

void SessionWorker::stop() {
    if (session_) {
        session_->clearCancel();
    }
    if (state_ == RunState::Running || state_ == RunState::Paused) {
        emitFrame(FrameThrottle::Timing::Forced);
        autosave(true);
        setState(started_ ? RunState::Stopped : RunState::Idle);
    }
}

void SessionWorker::setIterationTarget(int iterationTarget) {
    iterationTarget_ = iterationTarget;
    if (session_) {
        session_->setIterationBudget(iterationTarget);
    }
}

void SessionWorker::scheduleStep() {
    if (stepScheduled_) {
        return;
    }
    stepScheduled_ = true;
    QMetaObject::invokeMethod(
        this, [this] { stepOnce(); }, Qt::QueuedConnection);
}

void SessionWorker::stepOnce() {
    stepScheduled_ = false;
    if (state_ != RunState::Running) {
        return;
    }
    takeSettings();
    StepReport report;
    try {
        report = session_->step();
    } catch (const Cancelled&) {
        return;  // the pause, stop or shutdown that interrupted it is queued and decides
    } catch (const std::exception& error) {
        emitFrame(FrameThrottle::Timing::Forced);
        setState(started_ ? RunState::Paused : RunState::Idle);
        Q_EMIT runFailed(messageOf(error));
        return;
    }
    started_ = true;
    restoredSnapshot_.reset();  // the session's image is newer now
    averageStepSeconds_ = averageStepSeconds_ == 0.0
                              ? report.seconds
                              : 0.8 * averageStepSeconds_ + 0.2 * report.seconds;
    unsentLosses_.append({report.iteration, report.losses});
    const bool newSettings = mailbox_.reportDue();
    if (newSettings) {
        reportSettings();
    }
    if (snapshots_.dueAt(report.iteration)) {
        recordSnapshot();
    }
    // The artist's iterations per scale may add up to more than the target: the run is
    // lengthened rather than ending before the final size.
    if (const int needed = session_->iterationsToFinish(); needed > iterationTarget_) {
        setIterationTarget(needed);
        Q_EMIT iterationTargetRaised(
            needed, tr("Running %1 iterations: the iterations per scale need them to reach the "
                       "final size")
                        .arg(needed));
    }
    autosave(report.iteration >= iterationTarget_);
    if (report.iteration >= iterationTarget_) {
        // Before the state, so the last frame is there with it.
        emitFrame(FrameThrottle::Timing::Forced);
        setState(RunState::Finished);
        return;
    }
    emitFrame(newSettings ? FrameThrottle::Timing::Prompt : FrameThrottle::Timing::Throttled);
    scheduleStep();
}

void SessionWorker::setState(RunState state) {
    if (state == state_) {
        return;
    }
    state_ = state;
    Q_EMIT stateChanged(state);
    // Settings that arrived during the last step would otherwise wait for the next run.
    if (state != RunState::Running && takeSettings()) {
        reportSettings();
    }
}

bool SessionWorker::takeSettings() {
    std::optional<SettingsMailbox::Delivery> delivery = mailbox_.take();
    if (!delivery) {
        return false;
    }
    const double shownStrength = settings_.strength;
    settings_ = std::move(delivery->settings);
    if (settings_.strength != shownStrength && state_ != RunState::Running) {
        // Shown again at the new strength: a run would show it with its next frame.
        QMetaObject::invokeMethod(
            this, [this] { emitFrame(FrameThrottle::Timing::Forced); }, Qt::QueuedConnection);
    }
    if (delivery->masks) {
        masks_ = std::move(*delivery->masks);
        masksReportDue_ = true;
        saveMasks();
    }
    settingsRevision_ = delivery->revision;
    return applyToSession();
}

StyleSettings SessionWorker::settingsFor(const StyleSession& session) {
    StyleSettings settings = effectiveSettings();
    const bool inversion = content_ && styles_.empty();
    if (inversion) {
        settings = asFeatureInversion(std::move(settings), session.model());
    }
    const QString note =
        inversion ? tr("Feature inversion (no paintings): from %1, content layer %2")
                        .arg(QString::fromStdString(toString(settings.init)),
                             QString::fromStdString(join(layerNames(settings.contentLayers), ", ")))
                  : QString();
    if (note != inversionNote_) {
        inversionNote_ = note;
        Q_EMIT featureInversionChosen(note);
    }
    return settings;
}

StyleSettings SessionWorker::effectiveSettings() const {
    StyleSettings settings = settings_;
    if (!settings.styleBlend.empty() && settings.styleBlend.size() != styles_.size()) {
        settings.styleBlend.clear();  // the list is being edited: equal weights meanwhile
    }
    if (settings.init == InitKind::Image && !initImage_) {
        settings.init = InitKind::Content;
    }
    if (settings.init == InitKind::Content && !content_) {
        settings.init = InitKind::Noise;  // texture synthesis starts from noise
    }
    return settings;
}

bool SessionWorker::applyToSession() {
    if (!session_) {
        return false;
    }
    try {
        session_->applySettings(settingsFor(*session_));
        handMasksToSession(*session_);
        reportPrecision();
        return true;
    } catch (const std::exception& error) {
        mailbox_.markReported();  // refused: the failure is the report
        Q_EMIT runFailed(messageOf(error));
        return false;
    }
}

void SessionWorker::handMasksToSession(StyleSession& session) {
    const int count = static_cast<int>(styles_.size());
    const auto paintings = masks_.paintingsForSession(count);
    if (paintings != sessionMasks_.paintings) {
        session.setStyleMasks(paintings);
        sessionMasks_.paintings = paintings;
    }
    if (masks_.keep != sessionMasks_.keep) {
        session.setKeepMask(masks_.keep);
        sessionMasks_.keep = masks_.keep;
    }
    // A new source region recomputes that painting's target alone (StyleSession).
    const auto sources = masks_.sourcesForSession(count);
    if (sources != sessionMasks_.sources) {
        session.setStyleSourceMasks(sources);
        sessionMasks_.sources = sources;
    }
}

void SessionWorker::saveMasks() {
    if (const auto failure = recovery_.saveMasks(masks_)) {
        Q_EMIT autosaveFailed(*failure);
    }
}

void SessionWorker::reportSettings() {
    mailbox_.markReported();
    Q_EMIT settingsApplied(session_->settings(), session_->counters(), session_->iteration(),
                           settingsRevision_);
    if (masksReportDue_) {
        masksReportDue_ = false;
        Q_EMIT masksApplied(sessionMasks_, session_->iteration(), settingsRevision_);
    }
}

void SessionWorker::reportPrecision() {
    const PrecisionChoice& precision = session_->precision();
    if (precision == reportedPrecision_) {
        return;
    }
    reportedPrecision_ = precision;
    Q_EMIT precisionChosen(QString::fromStdString(toString(precision.precision)),
                           QString::fromStdString(precision.reason));
}

void SessionWorker::emitFrame(FrameThrottle::Timing timing) {
    if (!started_ || !frameThrottle_.allows(timing, FrameThrottle::Clock::now())) {
        return;
    }
    SessionFrame frame;
    try {
        frame.image = toQImage(atStrength(session_->currentImage()));
    } catch (const std::exception& error) {
        Q_EMIT runFailed(messageOf(error));
        return;
    }
    frame.iteration = session_->iteration();
    frame.losses = session_->lastLosses();
    frame.iterationsPerSecond = averageStepSeconds_ > 0.0 ? 1.0 / averageStepSeconds_ : 0.0;
    frame.outputSize = frame.image.size();
    frame.settingsRevision = settingsRevision_;
    frame.lossHistory.swap(unsentLosses_);
    frame.counters = session_->counters();
    frame.computeThreads = session_->threads();
    frameThrottle_.sent(FrameThrottle::Clock::now());
    reportTiling();
    Q_EMIT frameReady(frame);
}

void SessionWorker::reportTiling() {
    const QString tiling = QString::fromStdString(session_->tiling());
    if (tiling != tilingNote_) {
        tilingNote_ = tiling;
        Q_EMIT tilingChosen(tiling);
    }
}

void SessionWorker::setSnapshotInterval(int interval) {
    snapshots_.setInterval(interval);
}

void SessionWorker::setMemoryLimitMiB(int mebibytes) {
    limitTensorMemory(static_cast<uint64_t>(std::max(mebibytes, 0)) << 20);
}

void SessionWorker::takeSnapshot() {
    if (!started_) {
        Q_EMIT runFailed(tr("Nothing to keep yet: start a run first"));
        return;
    }
    recordSnapshot();
}

void SessionWorker::recordSnapshot() {
    const auto& kept = snapshots_.all();
    if (!kept.empty() && kept.rbegin()->second.run == std::max(runNumber_, 1) &&
        kept.rbegin()->second.iteration == session_->iteration()) {
        return;  // kept already
    }
    try {
        const int id = keepSnapshot({session_->currentImage(), session_->iteration(),
                                     session_->settings(), std::max(runNumber_, 1)});
        if (const auto failure = recovery_.keepSnapshot(id, *snapshots_.find(id))) {
            Q_EMIT autosaveFailed(*failure);
        }
    } catch (const std::exception& error) {
        Q_EMIT runFailed(messageOf(error));
    }
}

int SessionWorker::keepSnapshot(Snapshot snapshot) {
    if (!snapshot.masks) {
        if (!snapshotMasks_ || *snapshotMasks_ != masks_) {
            snapshotMasks_ = std::make_shared<const MaskSet>(masks_);
        }
        snapshot.masks = snapshotMasks_;
    }
    if (!snapshot.start) {
        snapshot.start = initFile_;
    }
    const QImage thumbnail = toQImage(resizeToMaxSide(snapshot.image, thumbnailSide_));
    const int iteration = snapshot.iteration;
    const int run = snapshot.run;
    const StyleSettings settings = snapshot.settings;
    const int id = snapshots_.add(std::move(snapshot));
    Q_EMIT snapshotTaken(id, thumbnail, iteration, run, settings);
    return id;
}

void SessionWorker::autosave(bool now) {
    if (!started_ || !recovery_.autosaveDue(now)) {
        return;
    }
    try {
        if (const auto failure = recovery_.autosave(session_->currentImage(), settings_,
                                                    session_->iteration(), now)) {
            Q_EMIT autosaveFailed(*failure);
        }
    } catch (const std::exception& error) {
        Q_EMIT autosaveFailed(messageOf(error));
    }
}

void SessionWorker::offerRecovery() {
    if (const auto offer = recovery_.offer(thumbnailSide_)) {
        Q_EMIT recoveryAvailable(offer->description, toQImage(offer->thumbnail));
    }
}

void SessionWorker::restoreRecovery() {
    std::optional<RecoveredRun> run = recovery_.restore();
    if (!run) {
        return;
    }
    // The run's inputs replace those loaded now (a restore is the run as it was). Inputs that
    // moved or vanished since are reported by the loads; the image is kept anyway.
    while (!styles_.empty()) {
        removeStyle(static_cast<int>(styles_.size()) - 1);
    }
    if (run->contentFile.empty() && content_) {
        clearContent();
    }
    if (!run->contentFile.empty()) {
        loadContent(QString::fromStdString(run->contentFile.string()));
    }
    for (const std::filesystem::path& style : run->styleFiles) {
        if (!style.empty()) {
            addStyle(QString::fromStdString(style.string()));
        }
    }
    // The session takes the run's settings at once (blend included), so that what goes on
    // from the image is what made it; the panel shows them and sends them back.
    settings_ = run->settings;
    masks_ = recovery_.restoreMasks(static_cast<int>(run->styleFiles.size()));
    saveMasks();
    applyToSession();
    Q_EMIT settingsRestored(run->settings);
    Q_EMIT masksRestored(masks_);
    try {
        // The history first, under this window's ids, then the run's last image.
        int lastRun = 0;
        for (Snapshot& kept : recovery_.restoreHistory()) {
            lastRun = std::max(lastRun, kept.run);
            const int id = keepSnapshot(std::move(kept));
            if (const auto failure = recovery_.keepSnapshot(id, *snapshots_.find(id))) {
                Q_EMIT autosaveFailed(*failure);
            }
        }
        runNumber_ = std::max(runNumber_, lastRun);
        const Image image = run->image;
        const int iteration = run->iteration;
        // A run that ended on a snapshot has its last image in the history already.
        const auto& kept = snapshots_.all();
        const bool inHistory = !kept.empty() && kept.rbegin()->second.run == lastRun &&
                               kept.rbegin()->second.iteration == iteration;
        const int id = inHistory ? kept.rbegin()->first
                                 : keepSnapshot({std::move(run->image), iteration, run->settings,
                                                 lastRun > 0 ? lastRun : ++runNumber_});
        showSnapshot(id);
        if (session_) {
            session_->setCurrentImage(image, iteration);
            restoredSnapshot_ = id;
            started_ = false;
            setState(RunState::Stopped);
            Q_EMIT runRestored(iteration);
        }
    } catch (const std::exception& error) {
        Q_EMIT loadFailed(messageOf(error));
    }
}

void SessionWorker::discardRecovery() {
    recovery_.discard();
}

void SessionWorker::showSnapshot(int id) {
    const Snapshot* snapshot = snapshots_.find(id);
    if (snapshot == nullptr) {
        return;
    }
    try {
        Q_EMIT snapshotShown(id, toQImage(snapshot->image), snapshot->iteration);
    } catch (const std::exception& error) {
        Q_EMIT runFailed(messageOf(error));
    }
}

void SessionWorker::continueFromSnapshot(int id, int iterations) {
    const Snapshot* snapshot = snapshots_.find(id);
    if (snapshot == nullptr || !requireSession("continue")) {
        return;
    }
    const int iterationTarget = snapshot->iteration + iterations;
    try {
        session_->setCurrentImage(snapshot->image, snapshot->iteration);
    } catch (const std::exception& error) {
        Q_EMIT runFailed(messageOf(error));
        return;
    }
    Q_EMIT snapshotShown(id, toQImage(snapshot->image), snapshot->iteration);
    run(iterationTarget, false);
}

void SessionWorker::exportImage(const QString& file, int bitDepth) {
    if (!started_ && restoredSnapshot_) {
        exportSnapshot(*restoredSnapshot_, file, bitDepth);
        return;
    }
    if (!started_) {
        Q_EMIT exportFailed(tr("Nothing to export yet: start a run first"));
        return;
    }
    try {
        session_->settle();
        writePng(file,
                 {atStrength(session_->resultImage()), session_->iteration(), session_->settings(),
                  runNumber_, nullptr, initFile_},
                 bitDepth);
    } catch (const std::exception& error) {
        Q_EMIT exportFailed(messageOf(error));
        return;
    }
    recovery_.resultExported();
    Q_EMIT exported(file);
    // Settling may have gone back to a better image: show what was written.
    emitFrame(FrameThrottle::Timing::Forced);
}

void SessionWorker::exportSnapshot(int id, const QString& file, int bitDepth) {
    const Snapshot* snapshot = snapshots_.find(id);
    if (snapshot == nullptr) {
        Q_EMIT exportFailed(tr("That snapshot is no longer there"));
        return;
    }
    try {
        // At the strength chosen now, which the recipe then says.
        Snapshot picture{atStrength(snapshot->image),
                         snapshot->iteration,
                         snapshot->settings,
                         snapshot->run,
                         snapshot->masks,
                         snapshot->start};
        picture.settings.strength = settings_.strength;
        writePng(file, picture, bitDepth);
    } catch (const std::exception& error) {
        Q_EMIT exportFailed(messageOf(error));
        return;
    }
    if (id == restoredSnapshot_) {
        recovery_.resultExported();  // the restored run is safe in the file
    }
    Q_EMIT exported(file);
}

void SessionWorker::writePng(const QString& file, const Snapshot& picture, int bitDepth) {
    PngExportOptions png;
    png.bitDepth = bitDepth;
    png.text["Software"] = "Impasto";
    // With the files and the iteration count, so that the image is a complete recipe.
    RunInputs inputs = recovery_.inputFiles();
    inputs.iterations = picture.iteration;
    if (picture.settings.init == InitKind::Image && picture.start) {
        inputs.initImage = picture.start->path;
        inputs.initIsFastStyle = picture.start->fastStyle;
    }
    png.text["impasto:settings"] = recipeToJson(picture.settings, inputs);
    png.text["impasto:model"] = modelName_.toStdString();
    png.text["impasto:iterations"] = std::to_string(picture.iteration);
    // The masks go inside, so that the picture is the whole recipe (core/image/EmbeddedMasks.h).
    const int paintings = static_cast<int>(styles_.size());
    const MaskSet& masks = picture.masks ? *picture.masks : masks_;
    png.masks = {masks.forPaintings(paintings), masks.keep, masks.sourcesFor(paintings)};
    exportPng(std::filesystem::path(file.toStdString()), picture.image, png);
}

Image SessionWorker::atStrength(const Image& result) const {
    if (settings_.strength >= 1.0 || !content_) {
        return result;
    }
    return blendStrength(*content_, result, settings_.strength);
}

bool SessionWorker::requireSession(const char* action) {
    if (session_) {
        return true;
    }
    Q_EMIT runFailed(tr("Choose a model before you %1").arg(QString::fromLatin1(action)));
    return false;
}

QImage SessionWorker::thumbnailOf(const QImage& image) const {
    return scaledDown(image, thumbnailSide_);
}

}  // namespace impasto::ui

#include "ui/session/FastTrainingWorker.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>

#include "core/fast/FastTraining.h"
#include "core/fast/TrainingCheckpoint.h"
#include "core/image/ImageLoader.h"
#include "core/image/PhotoFolder.h"
#include "core/image/Resize.h"
#include "core/model/ComputeDevice.h"
#include "ui/session/ImageConversion.h"

namespace impasto::ui {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

FastTrainingWorker::FastTrainingWorker(QObject* parent) : QObject(parent) {}

FastTrainingWorker::~FastTrainingWorker() = default;

void FastTrainingWorker::requestPause() {
    pauseRequested_ = true;
}

void FastTrainingWorker::requestCancel() {
    cancelRequested_ = true;
}

void FastTrainingWorker::clearRequests() {
    pauseRequested_ = false;
    cancelRequested_ = false;
}

void FastTrainingWorker::train(const FastTrainingRequest& request) {
    trainer_.reset();
    request_ = request;
    QStringList skipped;
    try {
        useAllCores();  // per thread: this is the one that computes
        checkpoint_ = std::make_unique<TrainingCheckpoint>(request.styleFile.toStdString());
        checkpoint_->refuseFinishedStyle();
        DecodedPhotos photos = decodePhotos(imageFilesIn(request.photosFolder.toStdString()),
                                            request.trainSize * kTrainingPhotoSideInCrops,
                                            [this] { return cancelRequested_.load(); });
        for (const std::string& reason : photos.skipped) {
            skipped.append(QString::fromStdString(reason));
        }
        const int photoCount = static_cast<int>(photos.images.size());
        try {
            ImageLoadOptions preview;
            preview.maxSide = kPreviewSide;
            previewPhoto_ = loadImage(request.previewPhoto.toStdString(), preview).image;
        } catch (const std::exception&) {
            // No photo open (or it is gone): the training's own first photo shows the style.
            previewPhoto_ = resizeToMaxSide(photos.images.front(), kPreviewSide);
        }
        FastTrainingOptions options =
            trainingOptions(request.trainSize, request.batchSize, request.width, request.settings);
        options.device = DevicePreference::Auto;  // as the window's session: CUDA when present
        trainer_ = std::make_unique<FastTraining>(
            request.model.toStdString(), request.settings, request.painting.toStdString(),
            std::move(photos.images), options, checkpoint_->styleFile());
        firstStep_ = trainer_->stepsDone();
        startSeconds_ = trainer_->trainedSeconds();
        Q_EMIT prepared(photoCount, firstStep_, skipped, startSeconds_);
        showPreview();
    } catch (const std::exception& error) {
        trainer_.reset();
        Q_EMIT failed(QString::fromUtf8(error.what()));
        return;
    }
    trainSteps();
}

void FastTrainingWorker::resume() {
    if (trainer_) {
        trainSteps();
    }
}

bool FastTrainingWorker::done() const {
    return (request_.steps > 0 && trainer_->stepsDone() >= request_.steps) ||
           (request_.timeLimitSeconds > 0 &&
            trainer_->trainedSeconds() >= request_.timeLimitSeconds);
}

void FastTrainingWorker::trainSteps() {
    auto lastPreview = Clock::now();
    auto lastCheckpoint = Clock::now();
    try {
        while (!done()) {
            if (cancelRequested_) {
                trainer_->writeCheckpoint();
                const int step = trainer_->stepsDone();
                trainer_.reset();
                Q_EMIT cancelled(step, QString::fromStdString(checkpoint_->file().string()));
                return;
            }
            if (pauseRequested_) {
                trainer_->writeCheckpoint();
                pauseRequested_ = false;
                Q_EMIT paused(trainer_->stepsDone());
                return;
            }
            const LossBreakdown losses = trainer_->step();
            const int step = trainer_->stepsDone();
            const double trained = trainer_->trainedSeconds();
            const double perStep = (trained - startSeconds_) / std::max(1, step - firstStep_);
            double fraction = 0.0;
            double secondsLeft = 0.0;
            if (request_.steps > 0) {
                fraction = double(step) / request_.steps;
                secondsLeft = perStep * (request_.steps - step);
            }
            if (request_.timeLimitSeconds > 0) {
                const double timeLeft = std::max(0.0, request_.timeLimitSeconds - trained);
                fraction = std::max(fraction, trained / request_.timeLimitSeconds);
                secondsLeft = request_.steps > 0 ? std::min(secondsLeft, timeLeft) : timeLeft;
            }
            Q_EMIT progressed(step, std::min(fraction, 1.0), secondsLeft, losses.total,
                              losses.content, losses.style, losses.totalVariation);
            if (secondsSince(lastPreview) * 1000 >= kPreviewIntervalMs) {
                showPreview();
                lastPreview = Clock::now();
            }
            if (secondsSince(lastCheckpoint) * 1000 >= kCheckpointIntervalMs) {
                trainer_->writeCheckpoint();
                lastCheckpoint = Clock::now();
            }
        }
        showPreview();
        trainer_->finish();
        const int steps = trainer_->stepsDone();
        trainer_.reset();
        Q_EMIT finished(QString::fromStdString(checkpoint_->styleFile().string()), steps);
    } catch (const std::exception& error) {
        trainer_.reset();
        Q_EMIT failed(QString::fromUtf8(error.what()));
    }
}

void FastTrainingWorker::showPreview() {
    Q_EMIT previewReady(toQImage(trainer_->apply(previewPhoto_)), trainer_->stepsDone());
    useAllCores();  // applying chose threads by the load: training takes every core again
}

}  // namespace impasto::ui

#pragma once

#include <QImage>
#include <QList>
#include <QSize>

#include "core/style/LossBreakdown.h"
#include "core/style/SessionCounters.h"

namespace impasto::ui {

struct LossPoint {
    int iteration = 0;
    LossBreakdown losses;
};

// One preview of a running session, converted to a QImage on the worker thread. Frames are
// throttled, so `lossHistory` carries every step since the previous frame for the loss curve.
struct SessionFrame {
    QImage image;  // at the output size
    int iteration = 0;
    LossBreakdown losses;
    double iterationsPerSecond = 0.0;
    QSize outputSize;
    // The revision of the settings (SessionWorker::submitSettings) this frame was made with.
    int settingsRevision = 0;
    QList<LossPoint> lossHistory;
    // How often the session recomputed targets or restarted, so far.
    SessionCounters counters;
    int computeThreads = 0;  // LibTorch's CPU threads in the latest step
};

}  // namespace impasto::ui

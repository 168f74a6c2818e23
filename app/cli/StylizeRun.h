#pragma once

#include <memory>
#include <string>
#include <utility>

#include "app/cli/CliOptions.h"
#include "core/registry/ModelChoice.h"
#include "core/style/StyleSession.h"

namespace impasto::cli {

class InterruptGuard;

// A stylize run's model, paintings and starting image, loaded once for one photo or a batch of
// them: the style targets computed for the first photo are reused for the next (StyleSession
// recomputes only what changed). Ctrl+C, SIGTERM and SIGHUP stop the run while it lives.
class StylizeRun {
public:
    explicit StylizeRun(const CliOptions& options);
    ~StylizeRun();
    StylizeRun(const StylizeRun&) = delete;
    StylizeRun& operator=(const StylizeRun&) = delete;

    // Paints options.contentFile (none: texture synthesis) into options.outputFile, printing
    // progress, and returns the exit code; throws impasto::Error for failures to report.
    int stylize(const CliOptions& options);
    // Put before each progress line, e.g. "[photo 2 of 5] ".
    void setProgressLabel(std::string label) { progressLabel_ = std::move(label); }
    // Whether the last stylize() wrote its result (an interruption before the first iteration
    // writes nothing).
    bool wroteResult() const { return wroteResult_; }
    bool wasInterrupted() const;
    // The exit status of a program ended by the stop signal that came, as a shell reports it.
    int stopExitCode() const;
    const StyleSession& session() const { return session_; }

private:
    ModelChoice choice_;
    StyleSession session_;
    std::unique_ptr<InterruptGuard> interruptGuard_;
    std::string progressLabel_;
    bool wroteResult_ = false;
};

// Paints each photo of --content (files, or the images of a folder) into --output-dir.
int runBatch(const CliOptions& options);

}  // namespace impasto::cli

#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/CliOptions.h"
#include "core/image/MaskSet.h"
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
    MaskSet masks_;  // as the session has them, for the exported images to carry
    std::unique_ptr<InterruptGuard> interruptGuard_;
    std::string progressLabel_;
    bool wroteResult_ = false;
};

// Paints each photo of --content (files, or the images of a folder) into --output-dir.
int runBatch(const CliOptions& options);

// The photos --content names: files as given, folders as the images in them, by name; and
// where a batch writes a photo's result ("<photo stem>-impasto.png" in `folder`).
std::vector<std::filesystem::path> batchPhotos(const std::vector<std::string>& contentFiles);
std::filesystem::path batchResultFile(const std::filesystem::path& folder,
                                      const std::filesystem::path& photo);

// A batch's photos, the results they are written to and each photo's run, checked before any
// work: the output folder is made, every result is writable, none is an input, and no two
// photos share a result name ("a/x.jpg", "b/x.jpg"). Throws impasto::Error otherwise.
struct BatchPlan {
    std::vector<std::filesystem::path> photos;
    std::vector<std::filesystem::path> results;
    std::vector<CliOptions> runs;
};
BatchPlan planBatch(const CliOptions& options);

// "5 s", "12 min 5 s", "2 h 5 min": the time left, as progress lines print it.
std::string timeText(double seconds);

// Ctrl+C, SIGTERM and SIGHUP set stopRequested() while the guard lives, for commands other than
// stylize (fast-style training) that stop between steps.
std::shared_ptr<InterruptGuard> watchStopSignals();
bool stopRequested();
int stopSignalExitCode();

}  // namespace impasto::cli

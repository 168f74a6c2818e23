#pragma once

#include <filesystem>

namespace impasto {

class FastStyleTrainer;

// The checkpoint of a training that writes `styleFile`: "<styleFile>.checkpoint", written on
// a stop and every so often, resumed by the next training of the same file, dropped when the
// style is finished. The CLI and the desktop app train through it alike.
class TrainingCheckpoint {
public:
    explicit TrainingCheckpoint(std::filesystem::path styleFile);

    const std::filesystem::path& styleFile() const { return styleFile_; }
    const std::filesystem::path& file() const { return file_; }

    // A style file without a checkpoint is a finished training that nothing resumes: throws
    // impasto::Error rather than let a new training overwrite it.
    void refuseFinishedStyle() const;
    // Continues `trainer` from the checkpoint when there is one; returns whether it did.
    // Throws impasto::Error for an unreadable checkpoint or one of another run.
    bool resume(FastStyleTrainer& trainer) const;
    void write(const FastStyleTrainer& trainer) const;
    // Writes the style file and drops the checkpoint.
    void finish(const FastStyleTrainer& trainer) const;

private:
    std::filesystem::path styleFile_;
    std::filesystem::path file_;
};

}  // namespace impasto

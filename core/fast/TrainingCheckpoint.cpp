#include "core/fast/TrainingCheckpoint.h"

#include <system_error>
#include <utility>

#include "core/common/Error.h"
#include "core/fast/FastStyleFile.h"
#include "core/fast/FastStyleTrainer.h"

namespace impasto {

namespace fs = std::filesystem;

TrainingCheckpoint::TrainingCheckpoint(fs::path styleFile)
    : styleFile_(std::move(styleFile)), file_(styleFile_.string() + ".checkpoint") {}

void TrainingCheckpoint::refuseFinishedStyle() const {
    std::error_code error;
    if (fs::exists(styleFile_, error) && !fs::exists(file_, error)) {
        throw Error(styleFile_.string() +
                    " already holds a trained style and there is no checkpoint to resume: "
                    "delete it or choose another name");
    }
}

bool TrainingCheckpoint::resume(FastStyleTrainer& trainer) const {
    std::error_code error;
    if (!fs::exists(file_, error)) {
        return false;
    }
    TrainingState state;
    const FastStyle style = readFastStyle(file_, &state);
    trainer.resume(style, state);
    return true;
}

void TrainingCheckpoint::write(const FastStyleTrainer& trainer) const {
    const TrainingState state = trainer.trainingState();
    writeFastStyle(file_, trainer.style(), &state);
}

void TrainingCheckpoint::finish(const FastStyleTrainer& trainer) const {
    writeFastStyle(styleFile_, trainer.style());
    std::error_code ignored;
    fs::remove(file_, ignored);
}

}  // namespace impasto

#include "ui/widgets/MaskEditor.h"

#include <QUndoCommand>

#include <algorithm>
#include <cmath>
#include <utility>

#include "ui/widgets/MaskColours.h"
#include "ui/widgets/MaskOverlay.h"

namespace impasto::ui {

namespace {

constexpr double kBrushStep = 1.2;

// Nearest-neighbour resampling: masks are painted by hand, their edges are the brush's.
Mask resampled(const Mask& mask, QSize size) {
    if (mask.width() == size.width() && mask.height() == size.height()) {
        return mask;
    }
    Mask result(size.width(), size.height());
    for (int y = 0; y < size.height(); ++y) {
        const int fromY = std::min(mask.height() - 1, y * mask.height() / size.height());
        for (int x = 0; x < size.width(); ++x) {
            const int fromX = std::min(mask.width() - 1, x * mask.width() / size.width());
            result.values[size_t(y) * size.width() + x] =
                mask.values[size_t(fromY) * mask.width() + fromX];
        }
    }
    return result;
}

// One change of one mask: undone by putting the mask before it back.
class MaskChange : public QUndoCommand {
public:
    MaskChange(MaskEditor& editor, const QString& text, int target, std::optional<Mask> before,
               std::optional<Mask> after)
        : QUndoCommand(text),
          editor_(editor),
          target_(target),
          before_(std::move(before)),
          after_(std::move(after)) {}

    void undo() override { editor_.setMaskOf(target_, before_); }
    void redo() override { editor_.setMaskOf(target_, after_); }

    MaskEditor::History::Step step() const { return {text(), before_, after_}; }

private:
    MaskEditor& editor_;
    int target_;
    std::optional<Mask> before_;
    std::optional<Mask> after_;
};

}  // namespace

MaskEditor::MaskEditor(QObject* parent) : QObject(parent) {
    undo_.setUndoLimit(kUndoLimit);
}

void MaskEditor::setMaskSize(QSize size) {
    if (size == size_ || size.isEmpty()) {
        return;
    }
    size_ = size;
    const auto resize = [size](std::optional<Mask>& mask) {
        if (mask) {
            mask = resampled(*mask, size);
        }
    };
    std::for_each(masks_.paintings.begin(), masks_.paintings.end(), resize);
    resize(masks_.keep);
    undo_.clear();  // its masks have the old size
    Q_EMIT overlayChanged(overlay());
}

void MaskEditor::setMasks(MaskSet masks) {
    masks_ = std::move(masks);
    masks_.paintings.resize(size_t(paintingCount_));
    masks_.sources.resize(size_t(paintingCount_));
    if (!size_.isEmpty()) {
        const QSize size = size_;
        size_ = {};
        setMaskSize(size);  // resamples what came in
    }
    undo_.clear();
    Q_EMIT overlayChanged(overlay());
    Q_EMIT masksChanged(masks_);
}

void MaskEditor::setPaintingCount(int count) {
    const bool first = paintingCount_ == 0 && count > 0;
    paintingCount_ = count;
    masks_.paintings.resize(size_t(count));
    masks_.sources.resize(size_t(count));
    if (first && target_ == kKeepTarget && !masks_.keep) {
        setTarget(0);  // what a brush is mostly for: where a painting goes
    } else if (target_ >= count) {
        setTarget(count > 0 ? count - 1 : kKeepTarget);
    }
}

void MaskEditor::removePainting(int index) {
    if (index < 0 || index >= paintingCount_) {
        return;
    }
    // The masks after it move up a place: the run must hear of that as much as of a lost mask.
    // (paintings and sources both hold paintingCount_ entries.)
    const auto anyFrom = [index](const std::vector<std::optional<Mask>>& masks) {
        return std::any_of(masks.begin() + index, masks.end(),
                           [](const std::optional<Mask>& mask) { return mask.has_value(); });
    };
    const bool shifted = anyFrom(masks_.paintings) || anyFrom(masks_.sources);
    masks_.paintings.erase(masks_.paintings.begin() + index);
    masks_.sources.erase(masks_.sources.begin() + index);
    --paintingCount_;
    undo_.clear();  // its steps name paintings by their place in the list
    if (target_ >= paintingCount_) {
        setTarget(paintingCount_ > 0 ? paintingCount_ - 1 : kKeepTarget);
    }
    if (shifted) {
        Q_EMIT overlayChanged(overlay());
        Q_EMIT masksChanged(masks_);
    }
}

void MaskEditor::setTarget(int target) {
    target = std::clamp(target, int(kKeepTarget), paintingCount_ - 1);
    if (target == target_) {
        return;
    }
    target_ = target;
    Q_EMIT targetChanged(target_);
}

std::optional<Mask> MaskEditor::targetMask() const {
    if (target_ == kKeepTarget) {
        return masks_.keep;
    }
    return target_ < paintingCount_ ? masks_.paintings[size_t(target_)] : std::nullopt;
}

void MaskEditor::setBrush(const MaskBrush& brush) {
    brush_ = brush;
    brush_.size = std::clamp(brush_.size, MaskBrush::kMinimumSize, MaskBrush::kMaximumSize);
    brush_.hardness = std::clamp(brush_.hardness, 0.0, 1.0);
    brush_.opacity = std::clamp(brush_.opacity, 0.0, 1.0);
    Q_EMIT brushChanged();
}

void MaskEditor::shrinkBrush() {
    MaskBrush brush = brush_;
    brush.size = std::floor(brush.size / kBrushStep);
    setBrush(brush);
}

void MaskEditor::growBrush() {
    MaskBrush brush = brush_;
    brush.size = std::ceil(brush.size * kBrushStep);
    setBrush(brush);
}

void MaskEditor::toggleEraser() {
    MaskBrush brush = brush_;
    brush.erasing = !brush.erasing;
    setBrush(brush);
}

QPointF MaskEditor::toMaskPixels(QPointF imageFraction) const {
    return {imageFraction.x() * size_.width(), imageFraction.y() * size_.height()};
}

Mask MaskEditor::targetOrBlank() const {
    if (std::optional<Mask> mask = targetMask()) {
        return *std::move(mask);
    }
    // Erasing a painting's "everywhere" takes a region away from it.
    const bool everywhere = brush_.erasing && target_ != kKeepTarget;
    return Mask(size_.width(), size_.height(), everywhere ? 1.0f : 0.0f);
}

void MaskEditor::beginStroke(QPointF imageFraction) {
    if (size_.isEmpty() || (target_ != kKeepTarget && target_ >= paintingCount_)) {
        return;
    }
    maskBeforeStroke_ = targetMask();
    stroke_.emplace(targetOrBlank(), brush_);
    continueStroke(imageFraction);
}

void MaskEditor::continueStroke(QPointF imageFraction) {
    if (!stroke_) {
        return;
    }
    stroke_->addPoint(toMaskPixels(imageFraction));
    // Shown at once, sent to the run when the stroke ends.
    if (target_ == kKeepTarget) {
        masks_.keep = stroke_->result();
    } else {
        masks_.paintings[size_t(target_)] = stroke_->result();
    }
    Q_EMIT overlayChanged(overlay());
}

void MaskEditor::endStroke() {
    if (!stroke_) {
        return;
    }
    const MaskStroke stroke = *std::move(stroke_);
    stroke_.reset();
    if (!stroke.changed()) {
        setMaskOf(target_, maskBeforeStroke_);
        return;
    }
    // The stroke is on the mask already: the step's first redo repeats it and sends it.
    undo_.push(new MaskChange(*this, brush_.erasing ? tr("Erase") : tr("Brush stroke"), target_,
                              maskBeforeStroke_, stroke.result()));
}

void MaskEditor::fill() {
    if (!size_.isEmpty()) {
        pushChange(tr("Fill mask"), Mask(size_.width(), size_.height(), 1.0f));
    }
}

void MaskEditor::clear() {
    pushChange(tr("Clear mask"), std::nullopt);
}

void MaskEditor::invert() {
    if (size_.isEmpty()) {
        return;
    }
    // No mask is white everywhere for a painting (it applies everywhere), black for the keep
    // mask (nothing kept).
    const float none = target_ == kKeepTarget ? 0.0f : 1.0f;
    Mask mask = targetMask().value_or(Mask(size_.width(), size_.height(), none));
    for (float& value : mask.values) {
        value = 1.0f - value;
    }
    pushChange(tr("Invert mask"), std::move(mask));
}

void MaskEditor::setSourceMask(int painting, std::optional<Mask> mask) {
    if (painting < 0 || painting >= paintingCount_ || masks_.sources[size_t(painting)] == mask) {
        return;
    }
    masks_.sources[size_t(painting)] = std::move(mask);
    Q_EMIT masksChanged(masks_);
}

void MaskEditor::replaceTargetMask(const Mask& mask) {
    if (!size_.isEmpty() && !mask.empty()) {
        pushChange(tr("Import mask"), resampled(mask, size_));
    }
}

void MaskEditor::pushChange(const QString& text, std::optional<Mask> after) {
    if (target_ != kKeepTarget && target_ >= paintingCount_) {
        return;
    }
    if (after == targetMask()) {
        return;  // no step that changes nothing
    }
    undo_.push(new MaskChange(*this, text, target_, targetMask(), std::move(after)));
}

MaskEditor::History MaskEditor::history() const {
    History history;
    for (int i = 0; i < undo_.count(); ++i) {
        history.steps.push_back(static_cast<const MaskChange*>(undo_.command(i))->step());
    }
    history.done = undo_.index();
    return history;
}

bool MaskEditor::adoptHistory(const History& history) {
    const auto fits = [this](const std::optional<Mask>& mask) {
        return !mask || (mask->width() == size_.width() && mask->height() == size_.height());
    };
    for (const History::Step& step : history.steps) {
        if (!fits(step.before) || !fits(step.after)) {
            return false;
        }
    }
    undo_.clear();
    // The newest steps only, as the stack's limit would keep them.
    const int dropped = std::max(0, int(history.steps.size()) - kUndoLimit);
    for (size_t i = size_t(dropped); i < history.steps.size(); ++i) {
        const History::Step& step = history.steps[i];
        undo_.push(new MaskChange(*this, step.text, target_, step.before, step.after));
    }
    undo_.setIndex(std::max(0, history.done - dropped));
    undo_.setClean();
    return true;
}

void MaskEditor::setMaskOf(int target, std::optional<Mask> mask) {
    if (target == kKeepTarget) {
        masks_.keep = std::move(mask);
    } else if (target >= 0 && target < paintingCount_) {
        masks_.paintings[size_t(target)] = std::move(mask);
    } else {
        return;
    }
    Q_EMIT overlayChanged(overlay());
    Q_EMIT masksChanged(masks_);
}

QImage MaskEditor::overlay() const {
    std::vector<ColouredMask> coloured;
    for (int i = 0; i < paintingCount_; ++i) {
        if (masks_.paintings[size_t(i)]) {
            coloured.push_back({&*masks_.paintings[size_t(i)], paintingMaskColour(i)});
        }
    }
    if (masks_.keep) {
        coloured.push_back({&*masks_.keep, keepMaskColour()});
    }
    return maskOverlay(coloured);
}

}  // namespace impasto::ui

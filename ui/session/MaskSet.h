#pragma once

#include <QMetaType>

#include <optional>
#include <vector>

#include "core/image/Mask.h"

namespace impasto::ui {

// The masks of a run: where each painting applies (one entry per painting, in the paintings'
// order; nullopt: everywhere) and where the photo is kept (nullopt: nowhere). A plain value
// that travels from the mask editor through the settings mailbox to the session worker.
struct MaskSet {
    std::vector<std::optional<Mask>> paintings;
    std::optional<Mask> keep;

    bool operator==(const MaskSet&) const = default;

    // The entries for `count` paintings: missing ones are nullopt, extra ones dropped.
    std::vector<std::optional<Mask>> forPaintings(int count) const;
    // Whether any mask is painted.
    bool any() const;
};

}  // namespace impasto::ui

Q_DECLARE_METATYPE(impasto::ui::MaskSet)

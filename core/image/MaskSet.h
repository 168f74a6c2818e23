#pragma once

#include <optional>
#include <vector>

#include "core/image/Mask.h"

namespace impasto {

// The masks of a run: where each painting applies (one entry per painting, in the paintings'
// order; nullopt: everywhere), where the photo is kept (nullopt: nowhere) and the region of
// each painting its style is taken from (nullopt: all of it). A plain value that travels from
// the app's mask editor to its session worker, into exported images and back out of them.
struct MaskSet {
    std::vector<std::optional<Mask>> paintings{};
    std::optional<Mask> keep{};
    std::vector<std::optional<Mask>> sources{};

    bool operator==(const MaskSet&) const = default;

    // The entries for `count` paintings: missing ones are nullopt, extra ones dropped.
    std::vector<std::optional<Mask>> forPaintings(int count) const;
    // The same for the paintings' source regions.
    std::vector<std::optional<Mask>> sourcesFor(int count) const;
    // As those, for a session to take: an empty list when no painting has a mask, which spares
    // it computing guidance that changes nothing.
    std::vector<std::optional<Mask>> paintingsForSession(int count) const;
    std::vector<std::optional<Mask>> sourcesForSession(int count) const;
    // Whether any mask is there.
    bool any() const;
};

}  // namespace impasto

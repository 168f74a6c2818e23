#pragma once

#include <filesystem>

#include "ui/session/MaskSet.h"

namespace impasto::ui {

// The masks of a run as 8-bit greyscale PNGs beside another file (a preset, the autosave):
// "<stem>.mask-1.png", "<stem>.mask-2.png"... for the paintings in their order and
// "<stem>.mask-keep.png" for the keep mask, "<stem>.source-mask-1.png"... for the region of
// each painting its style is taken from: the files `impasto-cli --style-mask`,
// `--keep-mask` and `--style-source-mask` take as they are. Each is written atomically.

// Writes the masks there are and removes those of `file` that are no longer (a painting
// without a mask, a mask file left from an earlier save). Throws impasto::Error.
void saveMasksBeside(const std::filesystem::path& file, const MaskSet& masks);
// The masks beside `file` for `paintings` paintings; an empty set when there are none.
// Throws impasto::Error for a mask file that cannot be read.
MaskSet loadMasksBeside(const std::filesystem::path& file, int paintings);

}  // namespace impasto::ui

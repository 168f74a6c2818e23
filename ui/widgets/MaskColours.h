#pragma once

#include <QColor>

namespace impasto::ui {

// The colour a painting's mask is shown in over the preview, the same as the strip on its card
// (by the painting's place in the list; the colours repeat after six).
QColor paintingMaskColour(int index);
// The keep-the-photo mask's colour, unlike any painting's.
QColor keepMaskColour();

}  // namespace impasto::ui

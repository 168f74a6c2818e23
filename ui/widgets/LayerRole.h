#pragma once

#include <QString>

namespace impasto::ui {

// What a network layer contributes to a style, in an artist's words, from its depth: early
// layers match the finest grain of the painting, deep ones its large shapes. `index` counts
// from 0 in network order among `count` layers; the text starts with index + 1 so that layers
// with the same role stay distinct ("3 · Small strokes").
QString layerRole(int index, int count);

}  // namespace impasto::ui

#pragma once

#include <QIcon>

class QWidget;

namespace impasto::ui {

// The one icon of every "back to the default" button, so that the Settings panel's resets look
// alike: the theme's undo arrow, or the style's reload arrow where the theme has none.
QIcon resetIcon(const QWidget* widget);

}  // namespace impasto::ui

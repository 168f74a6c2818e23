#pragma once

#include <QMetaType>

#include "core/image/MaskSet.h"

namespace impasto::ui {

// The run's masks (core/image/MaskSet.h) as the app's signals and settings mailbox carry them.
using impasto::MaskSet;

}  // namespace impasto::ui

Q_DECLARE_METATYPE(impasto::MaskSet)

#include "ui/widgets/MaskColours.h"

#include <array>

namespace impasto::ui {

QColor paintingMaskColour(int index) {
    static constexpr std::array<QRgb, 6> kColours = {0x2f7fff, 0xff9a1f, 0x2fc46a,
                                                     0xd94fd9, 0x1fc8d0, 0xe6d21f};
    const int wrapped = ((index % int(kColours.size())) + int(kColours.size())) % kColours.size();
    return QColor::fromRgb(kColours[wrapped]);
}

QColor keepMaskColour() {
    return QColor::fromRgb(0xe53935);
}

}  // namespace impasto::ui

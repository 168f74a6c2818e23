#include "ui/widgets/ResetIcon.h"

#include <QStyle>
#include <QWidget>

namespace impasto::ui {

QIcon resetIcon(const QWidget* widget) {
    return QIcon::fromTheme(QStringLiteral("edit-undo"),
                            widget->style()->standardIcon(QStyle::SP_BrowserReload));
}

}  // namespace impasto::ui

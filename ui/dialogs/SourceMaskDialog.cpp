#include "ui/dialogs/SourceMaskDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/panels/MaskToolBar.h"
#include "ui/session/MaskSet.h"
#include "ui/widgets/MaskEditor.h"
#include "ui/widgets/PreviewView.h"
#include "ui/windows/MaskMode.h"

namespace impasto::ui {

SourceMaskDialog::SourceMaskDialog(const QImage& picture, int painting, const QString& name,
                                   const std::optional<Mask>& region, QWidget* parent)
    : QDialog(parent),
      painting_(painting),
      given_(region),
      preview_(new PreviewView),
      mode_(new MaskMode(*preview_, this)),
      status_(new QLabel) {
    setWindowTitle(tr("Region of %1").arg(name));
    preview_->setImage(picture);
    preview_->setAccessibleName(tr("%1, with the region its style comes from").arg(name));

    // The editor holds the region as the painting's own mask, in its place in the list, so it
    // shows in the colour of the painting's card; the paintings before it have none.
    MaskEditor& editor = mode_->editor();
    mode_->setMaskSize(picture.size());
    mode_->setPaintings(QStringList(painting + 1, name));
    editor.setTarget(painting);
    MaskSet masks;
    masks.paintings.resize(size_t(painting + 1));
    masks.paintings[size_t(painting)] = region;
    editor.setMasks(std::move(masks));

    // Always painting here: M and Shift+M, the main window's mode keys, do nothing.
    mode_->modeAction()->setChecked(true);
    mode_->modeAction()->setEnabled(false);
    mode_->showMasksAction()->setEnabled(false);
    MaskToolBar* tools = mode_->toolBar();
    tools->setTargetChoiceVisible(false);

    auto* hint = new QLabel(
        tr("Paint the part of %1 whose style to use (white = use). Right-drag pans, the wheel "
           "zooms; [ and ] size the brush, X swaps brush and eraser.")
            .arg(name));
    hint->setWordWrap(true);
    connect(mode_, &MaskMode::failed, status_, &QLabel::setText);
    connect(mode_, &MaskMode::message, status_, &QLabel::setText);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    cancel_ = buttons->button(QDialogButtonBox::Cancel);
    clearRegion_ = buttons->addButton(tr("Clear Region"), QDialogButtonBox::ResetRole);
    clearRegion_->setToolTip(tr("Use all of this painting again"));
    // The dialog's keys go to the brush, not to the buttons (Return still means OK).
    for (QPushButton* button : {ok_, cancel_, clearRegion_}) {
        button->setFocusPolicy(Qt::TabFocus);
    }
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // A step like any other, so that the region's history (kept past this dialog) has it.
    connect(clearRegion_, &QPushButton::clicked, this, [this] {
        mode_->editor().clear();
        accept();
    });

    // Undo and redo name the step they take back: on the bottom row there is room for that.
    auto* bottom = new QHBoxLayout;
    for (QAction* action :
         {mode_->undoAction(), mode_->redoAction(), mode_->importAction(), mode_->exportAction()}) {
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setFocusPolicy(Qt::TabFocus);
        bottom->addWidget(button);
    }
    bottom->addWidget(buttons, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tools);
    layout->addWidget(hint);
    layout->addWidget(preview_, 1);
    layout->addWidget(status_);
    layout->addLayout(bottom);
    resize(900, 700);
    preview_->setFocus(Qt::OtherFocusReason);
}

std::optional<Mask> SourceMaskDialog::region() const {
    // Unchanged, the region given is kept as it was, not as resampled to this picture.
    MaskEditor& editor = mode_->editor();
    if (editor.undoStack()->isClean()) {
        return given_;
    }
    return editor.masks().paintings.at(size_t(painting_));
}

}  // namespace impasto::ui

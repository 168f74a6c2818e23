#include "ui/panels/MaskToolBar.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>

#include <cmath>

#include "ui/widgets/MaskColours.h"
#include "ui/widgets/MaskEditor.h"

namespace impasto::ui {

namespace {

QIcon swatch(const QColor& colour) {
    QPixmap pixmap(14, 14);
    pixmap.fill(colour);
    return QIcon(pixmap);
}

QSpinBox* percentBox(const QString& tip) {
    auto* box = new QSpinBox;
    box->setRange(0, 100);
    box->setSuffix(QStringLiteral(" %"));
    box->setToolTip(tip);
    return box;
}

}  // namespace

MaskToolBar::MaskToolBar(MaskEditor& editor, QWidget* parent)
    : QToolBar(tr("Mask"), parent),
      editor_(editor),
      target_(new QComboBox),
      eraser_(new QToolButton),
      size_(new QSpinBox),
      hardness_(percentBox(tr("How much of the brush paints fully; the rest fades out"))),
      opacity_(percentBox(tr("The most one stroke changes the mask"))) {
    setObjectName("MaskToolBar");
    target_->setToolTip(
        tr("The mask being painted: where a painting applies, or where the "
           "photo is kept"));
    target_->setAccessibleName(tr("Mask to paint"));
    eraser_->setText(tr("Eraser"));
    eraser_->setCheckable(true);
    eraser_->setToolTip(tr("Erase instead of paint (X)"));
    size_->setRange(int(MaskBrush::kMinimumSize), int(MaskBrush::kMaximumSize));
    size_->setSuffix(tr(" px"));
    size_->setToolTip(
        tr("Brush diameter in mask pixels: the photo's, up to 1024 on its longest side "
           "([ and ])"));
    size_->setAccessibleName(tr("Brush size"));
    hardness_->setAccessibleName(tr("Brush hardness"));
    opacity_->setAccessibleName(tr("Brush opacity"));

    targetActions_ = {addWidget(new QLabel(tr(" Paint: "))), addWidget(target_), addSeparator()};
    addWidget(eraser_);
    addWidget(new QLabel(tr(" Size ")));
    addWidget(size_);
    addWidget(new QLabel(tr(" Hardness ")));
    addWidget(hardness_);
    addWidget(new QLabel(tr(" Opacity ")));
    addWidget(opacity_);
    addSeparator();
    addAction(tr("Fill"), &editor_, &MaskEditor::fill)
        ->setToolTip(tr("Make the whole mask white: everywhere"));
    addAction(tr("Clear"), &editor_, &MaskEditor::clear)
        ->setToolTip(tr("Remove the mask: the painting applies everywhere again, or nothing "
                        "is kept"));
    addAction(tr("Invert"), &editor_, &MaskEditor::invert)
        ->setToolTip(tr("Swap where the mask is white and black"));

    setPaintings({});
    showBrush();
    connect(&editor_, &MaskEditor::brushChanged, this, &MaskToolBar::showBrush);
    connect(&editor_, &MaskEditor::targetChanged, this, [this](int target) {
        const QSignalBlocker blocker(target_);
        target_->setCurrentIndex(target_->findData(target));
    });
    connect(target_, &QComboBox::currentIndexChanged, this,
            [this] { editor_.setTarget(target_->currentData().toInt()); });
    connect(eraser_, &QToolButton::toggled, this, &MaskToolBar::sendBrush);
    for (QSpinBox* box : {size_, hardness_, opacity_}) {
        connect(box, &QSpinBox::valueChanged, this, &MaskToolBar::sendBrush);
    }
}

void MaskToolBar::setPaintings(const QStringList& names) {
    const QSignalBlocker blocker(target_);
    target_->clear();
    for (int i = 0; i < names.size(); ++i) {
        target_->addItem(swatch(paintingMaskColour(i)),
                         tr("Painting %1: %2").arg(i + 1).arg(names[i]), i);
    }
    target_->addItem(swatch(keepMaskColour()), tr("Keep the photo"), MaskEditor::kKeepTarget);
    target_->setCurrentIndex(target_->findData(editor_.target()));
}

void MaskToolBar::setTargetChoiceVisible(bool visible) {
    for (QAction* action : targetActions_) {
        action->setVisible(visible);
    }
}

void MaskToolBar::showBrush() {
    const MaskBrush& brush = editor_.brush();
    const QSignalBlocker blockSize(size_);
    const QSignalBlocker blockHardness(hardness_);
    const QSignalBlocker blockOpacity(opacity_);
    const QSignalBlocker blockEraser(eraser_);
    size_->setValue(int(std::lround(brush.size)));
    hardness_->setValue(int(std::lround(brush.hardness * 100)));
    opacity_->setValue(int(std::lround(brush.opacity * 100)));
    eraser_->setChecked(brush.erasing);
}

void MaskToolBar::sendBrush() {
    editor_.setBrush({.size = double(size_->value()),
                      .hardness = hardness_->value() / 100.0,
                      .opacity = opacity_->value() / 100.0,
                      .erasing = eraser_->isChecked()});
}

}  // namespace impasto::ui

#include "ui/widgets/StyleRow.h"

#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/ThumbnailPixmap.h"

namespace impasto::ui {

namespace {

const ParameterRange kBlendWeight{.minimum = 0.0,
                                  .maximum = 1.0,
                                  .defaultValue = 1.0,
                                  .decimals = 2,
                                  .logarithmic = false,
                                  .suffix = {}};

}  // namespace

StyleRow::StyleRow(const QString& path, const QImage& thumbnail, double weight, QSize fullSize,
                   QWidget* parent)
    : QFrame(parent),
      path_(path),
      maskStrip_(new QLabel(this)),
      name_(new QLabel(this)),
      weight_(new ParameterControl(tr("Blend"), kBlendWeight, this)),
      removeButton_(new QToolButton(this)),
      partButton_(new QToolButton(this)) {
    const QString fileName = QFileInfo(path).fileName();
    setFrameShape(QFrame::StyledPanel);
    setFocusPolicy(Qt::StrongFocus);  // so Delete can remove the row
    setAccessibleName(tr("Style image %1").arg(fileName));
    setToolTip(tr("Press Delete to remove this style image"));

    auto* picture = new QLabel(this);
    picture->setPixmap(thumbnailPixmap(thumbnail, kThumbnailSize, devicePixelRatioF()));
    picture->setFixedSize(kThumbnailSize, kThumbnailSize);
    picture->setAlignment(Qt::AlignCenter);
    picture->setAccessibleName(tr("Thumbnail of %1").arg(fileName));

    name_->setText(fileName);
    name_->setTextFormat(Qt::PlainText);
    name_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // long names elide
    name_->setToolTip(
        fullSize.isValid()
            ? tr("%1\n%2 × %3 pixels").arg(path).arg(fullSize.width()).arg(fullSize.height())
            : path);

    weight_->setValue(weight);
    weight_->setToolTip(tr("How much of this painting's style goes into the blend"));
    weight_->slider()->setAccessibleName(tr("Blend weight of %1").arg(fileName));
    weight_->spinBox()->setAccessibleName(tr("Blend weight of %1").arg(fileName));

    removeButton_->setIcon(style()->standardIcon(QStyle::SP_DialogCloseButton));
    removeButton_->setText(tr("Remove"));
    removeButton_->setAutoRaise(true);
    removeButton_->setToolTip(tr("Remove %1 from the styles").arg(fileName));
    removeButton_->setAccessibleName(tr("Remove %1").arg(fileName));

    // "Use only the sky of this painting": its mask comes from an image file (white = use) or
    // is painted over the painting.
    auto* partMenu = new QMenu(partButton_);
    connect(partMenu->addAction(tr("Use &Part of This Painting...")), &QAction::triggered, this,
            &StyleRow::partRequested);
    connect(partMenu->addAction(tr("Use &All of This Painting")), &QAction::triggered, this,
            &StyleRow::wholeRequested);
    connect(partMenu->addAction(tr("Paint &Region of This Painting...")), &QAction::triggered, this,
            &StyleRow::paintPartRequested);
    partButton_->setMenu(partMenu);
    partButton_->setPopupMode(QToolButton::InstantPopup);
    // The menu's arrow would be drawn over the short label: the button's frame shows it is one.
    partButton_->setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }");
    partButton_->setAccessibleName(tr("Part of %1 used").arg(fileName));
    showUsesPart(false);

    auto* details = new QVBoxLayout;
    auto* top = new QHBoxLayout;
    top->addWidget(name_, 1);
    top->addWidget(partButton_);
    top->addWidget(removeButton_);
    details->addLayout(top);
    details->addWidget(weight_);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    maskStrip_->setFixedWidth(5);
    maskStrip_->setAutoFillBackground(true);
    layout->addWidget(maskStrip_);
    layout->addWidget(picture);
    layout->addLayout(details, 1);

    connect(weight_, &ParameterControl::valueChanged, this, &StyleRow::weightChanged);
    connect(removeButton_, &QToolButton::clicked, this, &StyleRow::removeRequested);
}

void StyleRow::setMaskColour(const QColor& colour) {
    maskColour_ = colour;
    QPalette palette = maskStrip_->palette();
    palette.setColor(QPalette::Window, colour);
    maskStrip_->setPalette(palette);
    maskStrip_->setToolTip(tr("Its mask is shown in this colour in the mask mode (M)"));
}

void StyleRow::showUsesPart(bool usesPart) {
    partButton_->setText(usesPart ? tr("Part") : tr("All"));
    QFont font = partButton_->font();
    font.setBold(usesPart);
    partButton_->setFont(font);
    partButton_->setToolTip(usesPart ? tr("Only the part of this painting its mask marks gives "
                                          "the style; click to choose another or all of it")
                                     : tr("All of this painting gives the style; click to use "
                                          "only a part of it (paint it, or a mask image, white "
                                          "= use)"));
}

void StyleRow::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        Q_EMIT removeRequested();
        return;
    }
    QFrame::keyPressEvent(event);
}

// The frame lights up while the row itself has focus: that is when Delete removes it.
void StyleRow::focusInEvent(QFocusEvent* event) {
    setFrameShape(QFrame::Box);
    setFrameShadow(QFrame::Plain);
    setForegroundRole(QPalette::Highlight);
    QFrame::focusInEvent(event);
}

void StyleRow::focusOutEvent(QFocusEvent* event) {
    setFrameShape(QFrame::StyledPanel);
    setForegroundRole(QPalette::NoRole);
    QFrame::focusOutEvent(event);
}

}  // namespace impasto::ui

#include "ui/widgets/ImageSlot.h"

#include <QEvent>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

#include "ui/widgets/ThumbnailPixmap.h"

namespace impasto::ui {

ImageSlot::ImageSlot(const QString& title, QWidget* parent)
    : QWidget(parent),
      thumbnail_(new QLabel(this)),
      name_(new QLabel(this)),
      size_(new QLabel(this)),
      openButton_(new QPushButton(tr("Open…"), this)),
      clearButton_(new QToolButton(this)) {
    auto* heading = new QLabel(title, this);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);

    thumbnail_->setAlignment(Qt::AlignCenter);
    thumbnail_->setWordWrap(true);
    thumbnail_->setFrameShape(QFrame::StyledPanel);
    thumbnail_->setMinimumSize(kThumbnailSize, kThumbnailSize * 3 / 4);
    thumbnail_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    thumbnail_->setForegroundRole(QPalette::PlaceholderText);
    thumbnail_->setCursor(Qt::PointingHandCursor);
    thumbnail_->installEventFilter(this);

    name_->setTextFormat(Qt::PlainText);
    name_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // long names elide
    size_->setForegroundRole(QPalette::PlaceholderText);

    openButton_->setToolTip(tr("Choose a photo (%1)").arg(QString(title).remove('&')));
    openButton_->setAccessibleName(tr("Open %1").arg(QString(title).remove('&')));
    clearButton_->setIcon(style()->standardIcon(QStyle::SP_DialogCloseButton));
    clearButton_->setText(tr("Clear"));
    clearButton_->setAutoRaise(true);
    clearButton_->setToolTip(tr("Remove this photo"));
    clearButton_->setAccessibleName(tr("Clear %1").arg(QString(title).remove('&')));

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(heading, 0, 0, 1, 2);
    layout->addWidget(thumbnail_, 1, 0, 1, 2);
    layout->addWidget(name_, 2, 0);
    layout->addWidget(clearButton_, 2, 1);
    layout->addWidget(size_, 3, 0, 1, 2);
    layout->addWidget(openButton_, 4, 0, 1, 2, Qt::AlignLeft);
    layout->setColumnStretch(0, 1);

    setAccessibleName(QString(title).remove('&'));
    connect(openButton_, &QPushButton::clicked, this, &ImageSlot::openRequested);
    connect(clearButton_, &QToolButton::clicked, this, &ImageSlot::clearRequested);
    clear();
}

void ImageSlot::setImage(const QString& path, const QImage& thumbnail, QSize fullSize) {
    path_ = path;
    thumbnailImage_ = thumbnail;
    const QString fileName = QFileInfo(path).fileName();
    name_->setText(fileName);
    name_->setToolTip(path);
    size_->setText(fullSize.isValid()
                       ? tr("%1 × %2 pixels").arg(fullSize.width()).arg(fullSize.height())
                       : QString());
    thumbnail_->setToolTip(path);
    thumbnail_->setAccessibleName(tr("Thumbnail of %1").arg(fileName));
    openButton_->setText(tr("Replace…"));
    clearButton_->setVisible(true);
    showThumbnail();
}

void ImageSlot::clear() {
    path_.clear();
    thumbnailImage_ = QImage();
    name_->clear();
    name_->setToolTip(QString());
    size_->clear();
    thumbnail_->setToolTip(tr("Click to choose a photo"));
    thumbnail_->setAccessibleName(tr("No photo"));
    openButton_->setText(tr("Open…"));
    clearButton_->setVisible(false);
    showThumbnail();
}

bool ImageSlot::eventFilter(QObject* watched, QEvent* event) {
    if (watched == thumbnail_ && event->type() == QEvent::MouseButtonRelease &&
        static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton &&
        thumbnail_->rect().contains(static_cast<QMouseEvent*>(event)->position().toPoint())) {
        Q_EMIT openRequested();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void ImageSlot::changeEvent(QEvent* event) {
    // A new screen can have another pixel ratio: re-make the pixmap for it.
    if (event->type() == QEvent::ScreenChangeInternal) {
        showThumbnail();
    }
    QWidget::changeEvent(event);
}

void ImageSlot::showThumbnail() {
    if (thumbnailImage_.isNull()) {
        thumbnail_->setPixmap(QPixmap());
        thumbnail_->setText(hasImage() ? tr("No preview")
                                       : tr("Drop a photo here\nor click Open…"));
        return;
    }
    thumbnail_->setPixmap(thumbnailPixmap(thumbnailImage_, kThumbnailSize, devicePixelRatioF()));
}

}  // namespace impasto::ui

#pragma once

#include <QImage>
#include <QSize>
#include <QWidget>

class QLabel;
class QPushButton;
class QToolButton;

namespace impasto::ui {

// The well for the content photo: its thumbnail (or a prompt to drop or open one), file name,
// pixel size, an Open button and a clear button. Clicking the empty well also asks to open.
// Decisions are the caller's: the buttons only emit openRequested / clearRequested.
class ImageSlot : public QWidget {
    Q_OBJECT

public:
    explicit ImageSlot(const QString& title, QWidget* parent = nullptr);

    void setImage(const QString& path, const QImage& thumbnail, QSize fullSize);
    void clear();
    bool hasImage() const { return !path_.isEmpty(); }
    QString path() const { return path_; }

    QLabel* thumbnailLabel() const { return thumbnail_; }
    QLabel* nameLabel() const { return name_; }
    QLabel* sizeLabel() const { return size_; }
    QPushButton* openButton() const { return openButton_; }
    QToolButton* clearButton() const { return clearButton_; }

    static constexpr int kThumbnailSize = 160;  // logical pixels, longest side

Q_SIGNALS:
    void openRequested();
    void clearRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void showThumbnail();

    QString path_;
    QImage thumbnailImage_;
    QLabel* thumbnail_;
    QLabel* name_;
    QLabel* size_;
    QPushButton* openButton_;
    QToolButton* clearButton_;
};

}  // namespace impasto::ui

#pragma once

#include <QColor>
#include <QFrame>
#include <QImage>
#include <QSize>

class QLabel;
class QToolButton;

namespace impasto::ui {

class ParameterControl;

// One style image in a StyleListView: thumbnail, file name, blend weight, the part of it used
// and a remove button.
// Delete or Backspace on the focused row asks for removal too.
class StyleRow : public QFrame {
    Q_OBJECT

public:
    StyleRow(const QString& path, const QImage& thumbnail, double weight, QSize fullSize,
             QWidget* parent = nullptr);

    QString path() const { return path_; }
    ParameterControl* weightControl() const { return weight_; }
    QToolButton* removeButton() const { return removeButton_; }
    // "All" or, in bold, "Part" while a source mask is in use: a menu to use only a region of
    // the painting (a source mask from a file), all of it, or to paint the region.
    QToolButton* partButton() const { return partButton_; }
    void showUsesPart(bool usesPart);
    QLabel* nameLabel() const { return name_; }
    // The strip at the card's edge: the colour its mask is shown in over the preview.
    void setMaskColour(const QColor& colour);
    QColor maskColour() const { return maskColour_; }

    static constexpr int kThumbnailSize = 48;  // logical pixels, longest side

Q_SIGNALS:
    void weightChanged(double weight);
    void removeRequested();
    void partRequested();
    void wholeRequested();
    // "Paint Region of This Painting...": its source mask painted over the painting.
    void paintPartRequested();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    QString path_;
    QColor maskColour_;
    QLabel* maskStrip_;
    QLabel* name_;
    ParameterControl* weight_;
    QToolButton* removeButton_;
    QToolButton* partButton_;
};

}  // namespace impasto::ui

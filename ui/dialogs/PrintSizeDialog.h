#pragma once

#include <QDialog>
#include <QSize>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace impasto::ui {

// Render at Print Size: the size to take the picture to, chosen as its longest side in pixels,
// as megapixels or as a print's width or height in cm or inches at a DPI. It shows the pixel
// size that gives (the picture's aspect kept) and limits it to what the engine renders.
class PrintSizeDialog : public QDialog {
    Q_OBJECT

public:
    // The way a size is chosen, in the order of wayBox()'s items.
    enum class Way { LongestSide, Megapixels, Print };
    // The print's measured edge and unit, in the order of edgeBox()'s and unitBox()'s items.
    enum class Edge { Width, Height };
    enum class Unit { Centimetres, Inches };

    // `picture`: the current picture's size (its aspect is kept; empty: square); `longestSide`
    // the size offered first.
    PrintSizeDialog(QSize picture, int longestSide, QWidget* parent = nullptr);

    // The chosen longest side in px, within the engine's limits.
    int longestSide() const { return longestSide_; }
    // The chosen picture's width and height in px.
    QSize pixelSize() const;

    QComboBox* wayBox() const { return way_; }
    QSpinBox* longestSideBox() const { return side_; }
    QDoubleSpinBox* megapixelsBox() const { return megapixels_; }
    QDoubleSpinBox* printLengthBox() const { return printLength_; }
    QComboBox* edgeBox() const { return edge_; }
    QComboBox* unitBox() const { return unit_; }
    QSpinBox* dpiBox() const { return dpi_; }
    QLabel* resultLabel() const { return result_; }
    QLabel* limitLabel() const { return limit_; }

private:
    // The longest side the chosen way asks for, before the engine's limits.
    double requestedLongestSide() const;
    void update();

    QSize picture_;
    int longestSide_ = 0;
    QComboBox* way_;
    QSpinBox* side_;
    QDoubleSpinBox* megapixels_;
    QDoubleSpinBox* printLength_;
    QComboBox* edge_;
    QComboBox* unit_;
    QSpinBox* dpi_;
    QLabel* result_;
    QLabel* limit_;
};

}  // namespace impasto::ui

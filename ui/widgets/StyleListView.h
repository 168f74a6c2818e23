#pragma once

#include <QImage>
#include <QList>
#include <QSize>
#include <QStringList>
#include <QWidget>

#include <vector>

class QLabel;
class QVBoxLayout;

namespace impasto::ui {

class StyleRow;

// The style images of a run, one row each (thumbnail, file name, blend weight 0..1, remove).
// Signals carry a row's index at the time they are emitted, so they stay right after removals.
// Removal is the caller's decision: removeRequested asks, removeStyle does it.
class StyleListView : public QWidget {
    Q_OBJECT

public:
    explicit StyleListView(QWidget* parent = nullptr);

    // `fullSize`, the image's pixel size, goes into the file name's tooltip when given.
    void addStyle(const QString& path, const QImage& thumbnail, double weight = 1.0,
                  QSize fullSize = QSize());
    // An index out of range is ignored.
    void removeStyle(int index);
    void clear();
    int count() const { return static_cast<int>(rows_.size()); }
    QList<double> weights() const;
    QStringList paths() const;
    // Emits weightChanged when the weight changes; an index out of range is ignored.
    void setWeight(int index, double weight);
    StyleRow* row(int index) const;
    // Which paintings use only part of themselves (a source mask), by index.
    void showUsedParts(const std::vector<bool>& usesPart);

Q_SIGNALS:
    void weightChanged(int index, double weight);
    void removeRequested(int index);
    // The painting's "Use Part...", "Use All" and "Paint Region..." (StyleRow::partButton).
    void partRequested(int index);
    void wholeRequested(int index);
    void paintPartRequested(int index);

private:
    // Each card's strip in the colour of its painting's mask, which goes by the place in the list.
    void showMaskColours();

    QList<StyleRow*> rows_;
    QVBoxLayout* rowsLayout_;
    QLabel* emptyLabel_;
};

}  // namespace impasto::ui

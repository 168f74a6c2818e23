#include "ui/widgets/StyleListView.h"

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/widgets/MaskColours.h"
#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/StyleRow.h"

namespace impasto::ui {

StyleListView::StyleListView(QWidget* parent)
    : QWidget(parent),
      rowsLayout_(new QVBoxLayout(this)),
      emptyLabel_(new QLabel(tr("No style images yet. Add a painting to take its style."), this)) {
    rowsLayout_->setContentsMargins(0, 0, 0, 0);
    emptyLabel_->setWordWrap(true);
    emptyLabel_->setAlignment(Qt::AlignCenter);
    emptyLabel_->setForegroundRole(QPalette::PlaceholderText);
    emptyLabel_->setMinimumHeight(StyleRow::kThumbnailSize);
    rowsLayout_->addWidget(emptyLabel_);
    setAccessibleName(tr("Style images"));
}

void StyleListView::addStyle(const QString& path, const QImage& thumbnail, double weight,
                             QSize fullSize) {
    auto* row = new StyleRow(path, thumbnail, weight, fullSize, this);
    // The index is looked up when the signal fires, so it is right after earlier removals.
    connect(row, &StyleRow::weightChanged, this, [this, row](double value) {
        Q_EMIT weightChanged(static_cast<int>(rows_.indexOf(row)), value);
    });
    connect(row, &StyleRow::removeRequested, this,
            [this, row] { Q_EMIT removeRequested(static_cast<int>(rows_.indexOf(row))); });
    connect(row, &StyleRow::partRequested, this,
            [this, row] { Q_EMIT partRequested(static_cast<int>(rows_.indexOf(row))); });
    connect(row, &StyleRow::wholeRequested, this,
            [this, row] { Q_EMIT wholeRequested(static_cast<int>(rows_.indexOf(row))); });
    connect(row, &StyleRow::paintPartRequested, this,
            [this, row] { Q_EMIT paintPartRequested(static_cast<int>(rows_.indexOf(row))); });
    rows_.append(row);
    rowsLayout_->addWidget(row);
    emptyLabel_->hide();
    showMaskColours();
}

void StyleListView::showMaskColours() {
    for (int i = 0; i < count(); ++i) {
        rows_[i]->setMaskColour(paintingMaskColour(i));
    }
}

void StyleListView::showUsedParts(const std::vector<bool>& usesPart) {
    for (int i = 0; i < count(); ++i) {
        rows_[i]->showUsesPart(size_t(i) < usesPart.size() && usesPart[size_t(i)]);
    }
}

void StyleListView::removeStyle(int index) {
    if (index < 0 || index >= count()) {
        return;
    }
    StyleRow* row = rows_.takeAt(index);
    const bool hadFocus = row->isAncestorOf(focusWidget()) || row->hasFocus();
    delete row;
    if (hadFocus && !rows_.isEmpty()) {
        rows_[std::min<int>(index, count() - 1)]->setFocus(Qt::OtherFocusReason);
    }
    emptyLabel_->setVisible(rows_.isEmpty());
    showMaskColours();
}

void StyleListView::clear() {
    qDeleteAll(rows_);
    rows_.clear();
    emptyLabel_->show();
}

QList<double> StyleListView::weights() const {
    QList<double> values;
    for (const StyleRow* row : rows_) {
        values.append(row->weightControl()->value());
    }
    return values;
}

QStringList StyleListView::paths() const {
    QStringList values;
    for (const StyleRow* row : rows_) {
        values.append(row->path());
    }
    return values;
}

void StyleListView::setWeight(int index, double weight) {
    if (index >= 0 && index < count()) {
        rows_[index]->weightControl()->setValue(weight);
    }
}

StyleRow* StyleListView::row(int index) const {
    return index >= 0 && index < count() ? rows_[index] : nullptr;
}

}  // namespace impasto::ui

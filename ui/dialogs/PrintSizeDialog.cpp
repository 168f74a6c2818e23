#include "ui/dialogs/PrintSizeDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "core/planning/ScaledSize.h"
#include "core/settings/StyleSettings.h"

namespace impasto::ui {

namespace {

constexpr double kCentimetresPerInch = 2.54;
constexpr int kDefaultDpi = 300;
// Above the engine's limit, so that asking for more says what is possible instead of stopping.
constexpr int kLargestSideTyped = 100000;

}  // namespace

PrintSizeDialog::PrintSizeDialog(QSize picture, int longestSide, QWidget* parent)
    : QDialog(parent),
      picture_(picture.isEmpty() ? QSize(1, 1) : picture),
      way_(new QComboBox),
      side_(new QSpinBox),
      megapixels_(new QDoubleSpinBox),
      printLength_(new QDoubleSpinBox),
      edge_(new QComboBox),
      unit_(new QComboBox),
      dpi_(new QSpinBox),
      result_(new QLabel),
      limit_(new QLabel) {
    setWindowTitle(tr("Render at Print Size"));
    way_->addItems({tr("Longest side"), tr("Megapixels"), tr("Print size")});
    side_->setRange(kMinimumOutputSize, kLargestSideTyped);
    side_->setSingleStep(256);
    side_->setSuffix(tr(" px"));
    megapixels_->setRange(0.1, 10000.0);
    megapixels_->setDecimals(1);
    megapixels_->setSuffix(tr(" MP"));
    printLength_->setRange(0.1, 10000.0);
    printLength_->setDecimals(1);
    edge_->addItems({tr("wide"), tr("high")});
    unit_->addItems({tr("cm"), tr("in")});
    dpi_->setRange(10, 10000);
    dpi_->setSuffix(tr(" dpi"));
    dpi_->setToolTip(
        tr("Dots per inch the print needs: 300 for prints seen up close, less for "
           "posters seen from afar"));

    // Each way starts at the size offered, so switching ways keeps it.
    const double scale =
        static_cast<double>(longestSide) / std::max(picture_.width(), picture_.height());
    side_->setValue(longestSide);
    megapixels_->setValue(picture_.width() * scale * picture_.height() * scale / 1e6);
    dpi_->setValue(kDefaultDpi);
    printLength_->setValue(picture_.width() * scale / kDefaultDpi * kCentimetresPerInch);

    auto* pages = new QStackedWidget;
    auto* sidePage = new QWidget;
    auto* sideLayout = new QFormLayout(sidePage);
    sideLayout->addRow(tr("Longest side:"), side_);
    auto* megapixelsPage = new QWidget;
    auto* megapixelsLayout = new QFormLayout(megapixelsPage);
    megapixelsLayout->addRow(tr("Pixels:"), megapixels_);
    auto* printPage = new QWidget;
    auto* printLayout = new QFormLayout(printPage);
    auto* length = new QHBoxLayout;
    length->addWidget(printLength_, 1);
    length->addWidget(unit_);
    length->addWidget(edge_);
    printLayout->addRow(tr("Print:"), length);
    printLayout->addRow(tr("Resolution:"), dpi_);
    pages->addWidget(sidePage);
    pages->addWidget(megapixelsPage);
    pages->addWidget(printPage);

    limit_->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Render"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* form = new QFormLayout;
    form->addRow(tr("Size by:"), way_);
    auto* intro =
        new QLabel(tr("The picture goes on at a larger size: its look carries over "
                      "and is refined there. Pictures too large for memory are "
                      "rendered tile by tile."));
    intro->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(pages);
    layout->addWidget(result_);
    layout->addWidget(limit_);
    layout->addWidget(buttons);

    connect(way_, &QComboBox::currentIndexChanged, pages, &QStackedWidget::setCurrentIndex);
    connect(way_, &QComboBox::currentIndexChanged, this, &PrintSizeDialog::update);
    connect(side_, &QSpinBox::valueChanged, this, &PrintSizeDialog::update);
    connect(megapixels_, &QDoubleSpinBox::valueChanged, this, &PrintSizeDialog::update);
    connect(printLength_, &QDoubleSpinBox::valueChanged, this, &PrintSizeDialog::update);
    connect(edge_, &QComboBox::currentIndexChanged, this, &PrintSizeDialog::update);
    connect(unit_, &QComboBox::currentIndexChanged, this, &PrintSizeDialog::update);
    connect(dpi_, &QSpinBox::valueChanged, this, &PrintSizeDialog::update);
    update();
}

QSize PrintSizeDialog::pixelSize() const {
    const ScaledSize size = sizeForMaxSide(picture_.width(), picture_.height(), longestSide_);
    return {size.width, size.height};
}

double PrintSizeDialog::requestedLongestSide() const {
    const double longest = std::max(picture_.width(), picture_.height());
    switch (static_cast<Way>(way_->currentIndex())) {
        case Way::LongestSide:
            return side_->value();
        case Way::Megapixels: {
            const double shortest = std::min(picture_.width(), picture_.height());
            return std::sqrt(megapixels_->value() * 1e6 * longest / shortest);
        }
        case Way::Print: {
            const double inches = static_cast<Unit>(unit_->currentIndex()) == Unit::Centimetres
                                      ? printLength_->value() / kCentimetresPerInch
                                      : printLength_->value();
            const double edge = static_cast<Edge>(edge_->currentIndex()) == Edge::Width
                                    ? picture_.width()
                                    : picture_.height();
            return inches * dpi_->value() * longest / edge;
        }
    }
    return side_->value();
}

void PrintSizeDialog::update() {
    const double requested = requestedLongestSide();
    longestSide_ = std::clamp(static_cast<int>(std::lround(requested)), kMinimumOutputSize,
                              kMaximumOutputSize);
    const QSize size = pixelSize();
    result_->setText(tr("%1 x %2 px, %3 MP")
                         .arg(size.width())
                         .arg(size.height())
                         .arg(size.width() * static_cast<double>(size.height()) / 1e6, 0, 'f', 1));
    QString limit;
    if (requested > kMaximumOutputSize + 0.5) {
        limit = tr("Limited to %1 px on the longest side, the largest picture Impasto renders.")
                    .arg(kMaximumOutputSize);
        if (static_cast<Way>(way_->currentIndex()) == Way::Print) {
            limit += tr(" At this print size that is %1 dpi.")
                         .arg(std::lround(dpi_->value() * kMaximumOutputSize / requested));
        }
    } else if (requested < kMinimumOutputSize - 0.5) {
        limit = tr("At least %1 px on the longest side.").arg(kMinimumOutputSize);
    }
    limit_->setText(limit);
    limit_->setVisible(!limit.isEmpty());
}

}  // namespace impasto::ui

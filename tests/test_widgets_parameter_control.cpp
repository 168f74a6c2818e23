#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStyleOptionSlider>
#include <QTest>
#include <QToolButton>

#include <cmath>

#include "ui/widgets/LayerWeightsEditor.h"
#include "ui/widgets/ParameterControl.h"
#include "ui/widgets/SliderScale.h"

using impasto::ui::LayerWeightsEditor;
using impasto::ui::ParameterControl;
using impasto::ui::ParameterRange;
using impasto::ui::SliderScale;

using LayerChoice = QList<QPair<QString, double>>;

namespace {

ParameterRange range(double minimum, double maximum, double defaultValue, int decimals,
                     bool logarithmic) {
    return {minimum, maximum, defaultValue, decimals, logarithmic, QString()};
}

QPoint sliderHandleCentre(QSlider* slider) {
    QStyleOptionSlider option;
    option.initFrom(slider);
    option.orientation = slider->orientation();
    option.minimum = slider->minimum();
    option.maximum = slider->maximum();
    option.sliderPosition = slider->sliderPosition();
    option.sliderValue = slider->value();
    return slider->style()
        ->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, slider)
        .center();
}

// Every emission differs from the one before: the editors never echo a value back and forth.
bool emissionsAllDiffer(const QSignalSpy& spy) {
    for (qsizetype i = 1; i < spy.size(); ++i) {
        if (spy[i][0].toDouble() == spy[i - 1][0].toDouble()) {
            return false;
        }
    }
    return true;
}

}  // namespace

class TestWidgetsParameterControl : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void linearScaleMapsEndsAndMiddle() {
        const SliderScale scale(range(0.0, 10.0, 1.0, 2, false));
        QCOMPARE(scale.toPosition(0.0), 0);
        QCOMPARE(scale.toPosition(5.0), 500);
        QCOMPARE(scale.toPosition(10.0), SliderScale::kPositions);
        QCOMPARE(scale.toPosition(-3.0), 0);
        QCOMPARE(scale.toPosition(42.0), SliderScale::kPositions);
        QCOMPARE(scale.toPosition(std::nan("")), 0);
        QCOMPARE(scale.toValue(250), 2.5);
        QCOMPARE(scale.toValue(-7), 0.0);
        QCOMPARE(scale.toValue(5000), 10.0);
    }

    void logScaleSpansDecadesEvenly() {
        const SliderScale scale(range(1e-3, 1e5, 1.0, 3, true));
        QCOMPARE(scale.toPosition(1e-3), 0);
        QCOMPARE(scale.toPosition(1.0), 375);  // 3 of 8 decades
        QCOMPARE(scale.toPosition(1e5), SliderScale::kPositions);
        QCOMPARE(scale.toValue(0), 1e-3);
        QCOMPARE(scale.toValue(SliderScale::kPositions), 1e5);
        QVERIFY(std::abs(scale.toValue(500) - 10.0) < 1e-9);
        for (int position = 0; position <= SliderScale::kPositions; ++position) {
            QCOMPARE(scale.toPosition(scale.toValue(position)), position);
        }
        // Any value comes back within half a step: 8 decades over 1000 steps.
        const double halfStep = std::pow(10.0, 8.0 / SliderScale::kPositions / 2.0);
        for (double value = 1.3e-3; value < 1e5; value *= 3.7) {
            const double back = scale.toValue(scale.toPosition(value));
            QVERIFY2(back / value <= halfStep * 1.0001 && value / back <= halfStep * 1.0001,
                     qPrintable(QString::number(value)));
        }
    }

    void logScaleWithZeroMinimumKeepsExactZero() {
        const SliderScale scale(range(0.0, 1e4, 100.0, 2, true));
        QCOMPARE(scale.toValue(0), 0.0);
        QCOMPARE(scale.toPosition(0.0), 0);
        QVERIFY(std::abs(scale.toValue(1) - 0.01) < 1e-12);  // the spin box's smallest step
        QCOMPARE(scale.toValue(SliderScale::kPositions), 1e4);
        QCOMPARE(scale.toPosition(0.001), 1);  // below the floor but not zero
        for (int position = 0; position <= SliderScale::kPositions; ++position) {
            QCOMPARE(scale.toPosition(scale.toValue(position)), position);
        }
        // Whole numbers below 1: the floor is a thousandth of the maximum instead.
        const SliderScale coarse(range(0.0, 0.5, 0.1, 0, true));
        QVERIFY(std::abs(coarse.toValue(1) - 0.5e-3) < 1e-15);
    }

    void emptyRangeStaysAtItsOnlyValue() {
        const SliderScale scale(range(2.0, 2.0, 2.0, 1, false));
        QCOMPARE(scale.toPosition(2.0), 0);
        QCOMPARE(scale.toPosition(9.0), 0);
        QCOMPARE(scale.toValue(700), 2.0);
    }

    void sliderDragChangesValueOncePerStep() {
        ParameterControl control("Style weight", range(0.0, 100.0, 10.0, 1, false));
        control.resize(400, control.sizeHint().height());
        control.show();
        QVERIFY(QTest::qWaitForWindowExposed(&control));
        QSignalSpy spy(&control, &ParameterControl::valueChanged);
        QSlider* slider = control.slider();
        const QPoint handle = sliderHandleCentre(slider);
        QTest::mousePress(slider, Qt::LeftButton, {}, handle);
        for (int dx = 10; dx <= 80; dx += 10) {
            QTest::mouseMove(slider, handle + QPoint(dx, 0));
        }
        QTest::mouseRelease(slider, Qt::LeftButton, {}, handle + QPoint(80, 0));
        QVERIFY(control.value() > 10.0);
        QVERIFY(spy.size() >= 2);
        QVERIFY(spy.size() <= 8);
        QVERIFY(emissionsAllDiffer(spy));
        QCOMPARE(spy.last()[0].toDouble(), control.value());
        QCOMPARE(control.spinBox()->value(), control.value());
        QVERIFY(control.resetButton()->isEnabled());
    }

    void typedValueAppliesOnEnter() {
        ParameterControl control("Content weight", range(0.0, 10.0, 1.0, 2, false));
        QSignalSpy spy(&control, &ParameterControl::valueChanged);
        QDoubleSpinBox* spinBox = control.spinBox();
        spinBox->selectAll();
        QTest::keyClicks(spinBox, "3.25");
        QCOMPARE(spy.size(), 0);  // not digit by digit
        QTest::keyClick(spinBox, Qt::Key_Return);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy[0][0].toDouble(), 3.25);
        QCOMPARE(control.value(), 3.25);
        QCOMPARE(control.slider()->value(), SliderScale(control.range()).toPosition(3.25));
    }

    void resetButtonRestoresDefault() {
        ParameterControl control("TV weight", range(0.0, 1e5, 1e3, 0, true));
        QVERIFY(!control.resetButton()->isEnabled());
        control.setValue(0.0);
        QCOMPARE(control.value(), 0.0);
        QCOMPARE(control.slider()->value(), 0);
        QSignalSpy spy(&control, &ParameterControl::valueChanged);
        QTest::mouseClick(control.resetButton(), Qt::LeftButton);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(control.value(), 1e3);
        QCOMPARE(control.spinBox()->value(), 1e3);
        QVERIFY(!control.resetButton()->isEnabled());
        control.reset();
        QCOMPARE(spy.size(), 1);  // already at the default: no change, no signal
    }

    void setValueClampsRoundsAndSignalsOnlyChanges() {
        ParameterControl control("Scale", range(0.5, 2.0, 1.0, 2, false));
        QSignalSpy spy(&control, &ParameterControl::valueChanged);
        control.setValue(1.0);
        QCOMPARE(spy.size(), 0);
        control.setValue(1.234);
        QCOMPARE(control.value(), 1.23);
        control.setValue(1.2301);
        QCOMPARE(spy.size(), 1);
        control.setValue(9.0);
        QCOMPARE(control.value(), 2.0);
        control.setValue(std::nan(""));
        QCOMPARE(control.value(), 2.0);
        QCOMPARE(spy.size(), 2);
        QCOMPARE(control.slider()->value(), SliderScale::kPositions);
    }

    void keyboardOnSliderEmitsOnce() {
        ParameterControl control("Learning rate", range(0.0, 10.0, 1.0, 2, false));
        QSignalSpy spy(&control, &ParameterControl::valueChanged);
        QTest::keyClick(control.slider(), Qt::Key_PageUp);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(control.value(), 2.0);
        QCOMPARE(control.spinBox()->value(), 2.0);
    }

    void toolTipReachesBothEditors() {
        ParameterControl control("Size", range(64, 2048, 512, 0, false));
        control.setToolTip("Longest side of the result");
        QCOMPARE(control.slider()->toolTip(), QString("Longest side of the result"));
        QCOMPARE(control.spinBox()->toolTip(), QString("Longest side of the result"));
        QCOMPARE(control.slider()->accessibleName(), QString("Size"));
    }

    void layersKeepNetworkOrderAndDropUnknownOnes() {
        LayerWeightsEditor editor;
        QSignalSpy spy(&editor, &LayerWeightsEditor::layersChanged);
        editor.setLayers({"relu1", "fire2", "fire3", "fire4"},
                         {{"fire3", 0.5}, {"relu1", 1.0}, {"conv9", 1.0}});
        QCOMPARE(spy.size(), 0);
        QCOMPARE(editor.chosenLayers(), (LayerChoice{{"relu1", 1.0}, {"fire3", 0.5}}));
        QVERIFY(!editor.weightControl(1)->isEnabled());  // fire2 unchecked
        QVERIFY(editor.weightControl(2)->isEnabled());
    }

    void checkingAndWeightingEmitOnce() {
        LayerWeightsEditor editor;
        editor.setLayers({"relu1", "fire2", "fire3"}, {{"fire3", 0.5}});
        editor.resize(360, 300);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QSignalSpy spy(&editor, &LayerWeightsEditor::layersChanged);

        QCheckBox* fire2 = editor.checkBox(1);
        QTest::mouseClick(fire2, Qt::LeftButton, {}, QPoint(8, fire2->height() / 2));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(editor.chosenLayers(), (LayerChoice{{"fire2", 1.0}, {"fire3", 0.5}}));

        QDoubleSpinBox* weight = editor.weightControl(2)->spinBox();
        weight->selectAll();
        QTest::keyClicks(weight, "1.75");
        QTest::keyClick(weight, Qt::Key_Enter);
        QCOMPARE(spy.size(), 2);
        QCOMPARE(editor.chosenLayers(), (LayerChoice{{"fire2", 1.0}, {"fire3", 1.75}}));

        // Unchecked layers keep their weight for when they come back.
        QCheckBox* fire3 = editor.checkBox(2);
        fire3->setFocus();
        QTest::keyClick(fire3, Qt::Key_Space);
        QCOMPARE(editor.chosenLayers(), (LayerChoice{{"fire2", 1.0}}));
        QTest::keyClick(fire3, Qt::Key_Space);
        QCOMPARE(editor.chosenLayers(), (LayerChoice{{"fire2", 1.0}, {"fire3", 1.75}}));
        QCOMPARE(spy.size(), 4);
    }

    void resetRestoresRecommendedLayers() {
        LayerWeightsEditor editor;
        QVERIFY(!editor.resetButton()->isEnabled());
        editor.setLayers({"relu1", "fire2", "fire3", "fire4"}, {{"relu1", 1.0}});
        editor.setRecommended({{"fire4", 1.5}, {"fire2", 0.25}});
        QVERIFY(editor.resetButton()->isEnabled());
        QSignalSpy spy(&editor, &LayerWeightsEditor::layersChanged);
        QTest::mouseClick(editor.resetButton(), Qt::LeftButton);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(editor.chosenLayers(), (LayerChoice{{"fire2", 0.25}, {"fire4", 1.5}}));
        QVERIFY(!editor.resetButton()->isEnabled());  // nothing left to reset
        editor.resetToRecommended();
        QCOMPARE(spy.size(), 1);
    }
};

QTEST_MAIN(TestWidgetsParameterControl)
#include "test_widgets_parameter_control.moc"

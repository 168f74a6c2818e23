// The coarse-to-fine plan from plain sizes: which stages a final size gets, which are left out
// as too small for the layers or the style images, and when a coarse stage ends.
#include <QTest>

#include <vector>

#include "core/planning/ScalePlan.h"

using namespace impasto;

namespace {

// A plan with coarse-to-fine on, layers that read any image and one square style image at
// the output's size.
ScalePlan::Inputs inputsFor(Extent finalSize) {
    return {.finalSize = finalSize,
            .coarseToFine = true,
            .minimumSide = 2,
            .styleSizes = {{512, 512}},
            .styleSideAtFinalSize = finalSize.longest(),
            .minimumStyleSide = 2};
}

std::vector<Extent> stagesFor(const ScalePlan::Inputs& inputs) {
    return ScalePlan(inputs).stages();
}

// Total losses that fall by `decrease` (relative) a step, `steps` of them.
std::vector<double> lossesFalling(double decrease, size_t steps) {
    std::vector<double> losses{1000.0};
    while (losses.size() < steps) {
        losses.push_back(losses.back() * (1.0 - decrease));
    }
    return losses;
}

}  // namespace

Q_DECLARE_METATYPE(std::vector<Extent>)

class TestScalePlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void upTo512PixelsThereIsOneStage() {
        QCOMPARE(stagesFor(inputsFor({512, 384})), (std::vector<Extent>{{512, 384}}));
        QCOMPARE(stagesFor(inputsFor({100, 513})), (std::vector<Extent>{{100, 513}}));
    }

    // The coarsest stage has its longest side in (256, 512].
    void largerSizesAreHalvedDownTo512Pixels() {
        QCOMPARE(stagesFor(inputsFor({1024, 768})), (std::vector<Extent>{{512, 384}, {1024, 768}}));
        QCOMPARE(stagesFor(inputsFor({2048, 2048})),
                 (std::vector<Extent>{{512, 512}, {1024, 1024}, {2048, 2048}}));
        QCOMPARE(stagesFor(inputsFor({1025, 3})), (std::vector<Extent>{{513, 2}, {1025, 3}}));
        QCOMPARE(stagesFor(inputsFor({640, 480})), (std::vector<Extent>{{320, 240}, {640, 480}}));
    }

    void withoutCoarseToFineOnlyTheFinalSize() {
        ScalePlan::Inputs inputs = inputsFor({2048, 1536});
        inputs.coarseToFine = false;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{2048, 1536}}));
    }

    // Halving 2048 x 200 gives 1024 x 100 and 512 x 50: with layers that need 64 px only the
    // first is kept (the plan stops at the first stage too small).
    void aStageTooSmallForTheLayersIsLeftOut() {
        ScalePlan::Inputs inputs = inputsFor({2048, 200});
        inputs.minimumSide = 64;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{1024, 100}, {2048, 200}}));
        inputs.minimumSide = 101;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{2048, 200}}));
    }

    // The style images scale with the stage: a 4:1 style image at a 256 px style side is
    // 256 x 64 at the final size, 128 x 32 at half of it and 64 x 16 at a quarter. The
    // smallest of several images decides.
    void aStageTooSmallForTheStyleImagesIsLeftOut() {
        ScalePlan::Inputs inputs = inputsFor({2048, 2048});
        inputs.styleSizes = {{400, 400}, {1000, 250}};
        inputs.styleSideAtFinalSize = 256;
        inputs.minimumStyleSide = 20;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{1024, 1024}, {2048, 2048}}));
        inputs.minimumStyleSide = 16;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{512, 512}, {1024, 1024}, {2048, 2048}}));

        const ScalePlan plan(inputs);
        QCOMPARE(plan.styleSideAt({2048, 2048}), 256);
        QCOMPARE(plan.styleSideAt({1024, 768}), 128);
        QCOMPARE(plan.shortestStyleSideAt({512, 512}).pixels, 16);
        QCOMPARE(plan.shortestStyleSideAt({512, 512}).image, size_t(1));
    }

    void theStyleSideIsAtLeastOnePixel() {
        ScalePlan::Inputs inputs = inputsFor({2048, 2048});
        inputs.styleSideAtFinalSize = 1;
        QCOMPARE(ScalePlan(inputs).styleSideAt({512, 512}), 1);
    }

    void withoutStyleImagesNoStageIsTooSmallForThem() {
        ScalePlan::Inputs inputs = inputsFor({1024, 1024});
        inputs.styleSizes.clear();
        inputs.minimumStyleSide = 1000;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{512, 512}, {1024, 1024}}));
    }

    // The first stage at least as large as the image, else the final one.
    void stageCoveringFindsTheStageOfAnImage() {
        const ScalePlan plan(inputsFor({2048, 1536}));
        QCOMPARE(plan.stageCovering(1), size_t(0));
        QCOMPARE(plan.stageCovering(512), size_t(0));
        QCOMPARE(plan.stageCovering(513), size_t(1));
        QCOMPARE(plan.stageCovering(1024), size_t(1));
        QCOMPARE(plan.stageCovering(2048), size_t(2));
        QCOMPARE(plan.stageCovering(4096), size_t(2));
    }

    void aStageRunsAtLeastItsMinimumOfSteps() {
        const size_t minimum = ScalePlan::kMinimumStageSteps;
        QVERIFY(!ScalePlan::stageLevelledOff({}));
        QVERIFY(!ScalePlan::stageLevelledOff(std::vector<double>(minimum - 1, 5.0)));
        QVERIFY(ScalePlan::stageLevelledOff(std::vector<double>(minimum, 5.0)));
    }

    void aStageEndsAfterItsMaximumOfSteps() {
        const size_t maximum = ScalePlan::kMaximumStageSteps;
        QVERIFY(!ScalePlan::stageLevelledOff(lossesFalling(0.1, maximum - 1)));
        QVERIFY(ScalePlan::stageLevelledOff(lossesFalling(0.1, maximum)));
    }

    // Levelled off once the loss falls by less than the threshold per step on average over
    // the window.
    void aStageEndsWhenItsLossLevelsOff() {
        const size_t steps = ScalePlan::kMinimumStageSteps + 2;
        const double threshold = ScalePlan::kPlateauDecrease;
        QVERIFY(!ScalePlan::stageLevelledOff(lossesFalling(2.0 * threshold, steps)));
        QVERIFY(ScalePlan::stageLevelledOff(lossesFalling(0.5 * threshold, steps)));

        // A fast fall before the window does not count.
        std::vector<double> losses = lossesFalling(0.2, steps);
        losses.insert(losses.end(), ScalePlan::kPlateauWindow, losses.back());
        QVERIFY(ScalePlan::stageLevelledOff(losses));
        // Nor does a loss that went up.
        losses.push_back(losses.back() * 2.0);
        QVERIFY(ScalePlan::stageLevelledOff(losses));
    }

    // Within a budget the full size gets at least half of the iterations and at least 10; the
    // coarse stages share the rest, at least 10 each, those nearest the full size kept.
    void anIterationBudgetKeepsTheCoarseStagesThatFit_data() {
        QTest::addColumn<int>("budget");
        QTest::addColumn<std::vector<Extent>>("stages");
        QTest::addColumn<int>("leftOut");
        QTest::newRow("open-ended")
            << 0 << std::vector<Extent>{{512, 512}, {1024, 1024}, {2048, 2048}} << 0;
        QTest::newRow("plenty") << 300
                                << std::vector<Extent>{{512, 512}, {1024, 1024}, {2048, 2048}} << 0;
        QTest::newRow("room for two")
            << 40 << std::vector<Extent>{{512, 512}, {1024, 1024}, {2048, 2048}} << 0;
        QTest::newRow("room for one") << 39 << std::vector<Extent>{{1024, 1024}, {2048, 2048}} << 1;
        QTest::newRow("20: ten and ten")
            << 20 << std::vector<Extent>{{1024, 1024}, {2048, 2048}} << 1;
        QTest::newRow("19: full size only") << 19 << std::vector<Extent>{{2048, 2048}} << 2;
        QTest::newRow("5: full size only") << 5 << std::vector<Extent>{{2048, 2048}} << 2;
    }

    void anIterationBudgetKeepsTheCoarseStagesThatFit() {
        QFETCH(int, budget);
        QFETCH(std::vector<Extent>, stages);
        QFETCH(int, leftOut);
        ScalePlan::Inputs inputs = inputsFor({2048, 2048});
        inputs.iterationBudget = budget;
        const ScalePlan plan(inputs);
        QCOMPARE(plan.stages(), stages);
        QCOMPARE(plan.stagesLeftOutForBudget(), leftOut);
    }

    // --size 1024 --iterations 20 ran all 20 at 512 px: now the coarse stage ends by iteration
    // 10 whatever its loss does, and --iterations 40 at 640 px by iteration 20.
    void aCoarseStageEndsByItsShareOfTheBudget() {
        const std::vector<double> falling = lossesFalling(0.1, 5);
        ScalePlan::Inputs inputs = inputsFor({1024, 768});
        inputs.iterationBudget = 20;
        const ScalePlan twenty(inputs);
        QVERIFY(!twenty.stageOver(0, 0, 9, falling));
        QVERIFY(twenty.stageOver(0, 0, 10, falling));
        QVERIFY(!twenty.stageOver(1, 0, 19, falling));  // the final stage never ends

        inputs = inputsFor({640, 480});
        inputs.iterationBudget = 40;
        const ScalePlan forty(inputs);
        QVERIFY(!forty.stageOver(0, 0, 19, falling));
        QVERIFY(forty.stageOver(0, 0, 20, falling));

        // Two coarse stages share 150 of 300 iterations: 75 each at most (50 steps end it first).
        inputs = inputsFor({2048, 1536});
        inputs.iterationBudget = 300;
        const ScalePlan large(inputs);
        QVERIFY(large.stageOver(1, 0, 150, falling));
        QVERIFY(!large.stageOver(1, 0, 149, falling));
        QVERIFY(large.stageOver(0, 0, 75, falling));
    }

    // crowsonkb's --min-scale: halvings down to the smallest at least that large, also below
    // 512 px, and within a budget the usual shares.
    void aSmallestScaleSetsTheCoarsestStage() {
        ScalePlan::Inputs inputs = inputsFor({512, 384});
        inputs.minScale = 128;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{128, 96}, {256, 192}, {512, 384}}));
        inputs.minScale = 129;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{256, 192}, {512, 384}}));
        inputs = inputsFor({2048, 1536});
        inputs.minScale = 1024;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{1024, 768}, {2048, 1536}}));
        inputs.minScale = 4096;  // above the output: the final size alone
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{2048, 1536}}));
        inputs.minScale = 128;
        inputs.coarseToFine = false;
        QCOMPARE(stagesFor(inputs), (std::vector<Extent>{{2048, 1536}}));
        // Not given: the rule of largerSizesAreHalvedDownTo512Pixels, budget shares included.
        inputs = inputsFor({2048, 1536});
        inputs.iterationBudget = 300;
        inputs.minScale = 256;
        const ScalePlan shared(inputs);
        QCOMPARE(shared.stages().size(), size_t(4));
        QCOMPARE(shared.plannedIterations(), 0);
        const std::vector<double> falling = lossesFalling(0.1, 5);
        QVERIFY(shared.stageOver(0, 0, 50, falling));  // 150 coarse iterations in three shares
        QVERIFY(!shared.stageOver(0, 0, 49, falling));
    }

    // A short budget drops the coarsest stages, so that no stage jumps more than a halving:
    // 30 iterations at 1024 px from 128 px leave room for one coarse stage, at 512 px (the old
    // rule kept 128 px and jumped 8x), 40 for two.
    void aShortBudgetKeepsTheStagesNearestTheFullSize_data() {
        QTest::addColumn<int>("budget");
        QTest::addColumn<std::vector<Extent>>("stages");
        QTest::newRow("19") << 19 << std::vector<Extent>{{1024, 768}};
        QTest::newRow("30") << 30 << std::vector<Extent>{{512, 384}, {1024, 768}};
        QTest::newRow("40") << 40 << std::vector<Extent>{{256, 192}, {512, 384}, {1024, 768}};
        QTest::newRow("60") << 60
                            << std::vector<Extent>{{128, 96}, {256, 192}, {512, 384}, {1024, 768}};
    }

    void aShortBudgetKeepsTheStagesNearestTheFullSize() {
        QFETCH(int, budget);
        QFETCH(std::vector<Extent>, stages);
        ScalePlan::Inputs inputs = inputsFor({1024, 768});
        inputs.minScale = 128;
        inputs.iterationBudget = budget;
        const ScalePlan plan(inputs);
        QCOMPARE(plan.stages(), stages);
        QCOMPARE(plan.stagesLeftOutForBudget(), 4 - int(stages.size()));
        // The first kept stage ends by its share: the full size still gets half the budget.
        const std::vector<double> falling = lossesFalling(0.1, 5);
        if (stages.size() > 1) {
            const int share = (budget - (budget + 1) / 2) / int(stages.size() - 1);
            QVERIFY(!plan.stageOver(0, 0, share - 1, falling));
            QVERIFY(plan.stageOver(0, 0, share, falling));
        }
    }

    // --initial-iterations and --iterations per scale end the stages whatever their loss does,
    // no stage is left out for the budget, and the run is as long as they add up to.
    void givenIterationsEndEachStage() {
        ScalePlan::Inputs inputs = inputsFor({1024, 768});
        inputs.minScale = 256;
        inputs.initialIterations = 30;
        inputs.scaleIterations = 20;
        inputs.iterationBudget = 5;  // too few for any coarse stage by the automatic rule
        const ScalePlan plan(inputs);
        QCOMPARE(plan.stages(), (std::vector<Extent>{{256, 192}, {512, 384}, {1024, 768}}));
        QCOMPARE(plan.stagesLeftOutForBudget(), 0);
        QCOMPARE(plan.stageIterations(0), 30);
        QCOMPARE(plan.stageIterations(1), 20);
        QCOMPARE(plan.plannedIterations(), 70);
        QCOMPARE(plan.iterationsToFinish(), 70);
        const std::vector<double> flat(20, 100.0);  // levelled off long ago
        QVERIFY(!plan.stageOver(0, 0, 29, flat));
        QVERIFY(plan.stageOver(0, 0, 30, flat));
        QVERIFY(!plan.stageOver(1, 30, 49, flat));
        QVERIFY(plan.stageOver(1, 30, 50, flat));
        QVERIFY(!plan.stageOver(2, 50, 1000, flat));  // the final stage never ends

        // The initial count alone: later coarse stages end by the rules, the length is open.
        inputs.scaleIterations = 0;
        inputs.iterationBudget = 0;
        const ScalePlan initialOnly(inputs);
        QCOMPARE(initialOnly.plannedIterations(), 0);
        // Room for the middle stage's latest end and a real final stage.
        QCOMPARE(initialOnly.iterationsToFinish(),
                 30 + int(ScalePlan::kMaximumStageSteps) + ScalePlan::kMinimumFinalStageSteps);
        QVERIFY(!initialOnly.stageOver(1, 30, 35, lossesFalling(0.1, 5)));
        QVERIFY(initialOnly.stageOver(1, 30, 80, flat));
        // The per-scale count alone covers the first stage too.
        inputs.initialIterations = 0;
        inputs.scaleIterations = 15;
        QCOMPARE(ScalePlan(inputs).plannedIterations(), 45);
        // Without given iterations the budget rule already keeps a final stage.
        inputs.scaleIterations = 0;
        QCOMPARE(ScalePlan(inputs).iterationsToFinish(), 0);
    }
};

QTEST_APPLESS_MAIN(TestScalePlan)
#include "test_scale_plan.moc"

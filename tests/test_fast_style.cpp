// Fast styles (core/fast): a tiny training run on the shared photos with SqueezeNet as the loss
// network, the style file's round trip and its errors, applying, resuming, and the CLI's
// --train-style and --fast-style end to end.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fstream>

#include "core/common/Error.h"
#include "core/fast/FastStyleApply.h"
#include "core/fast/FastStyleFile.h"
#include "core/fast/FastStyleTrainer.h"
#include "core/image/ImageLoader.h"
#include "core/image/PhotoFolder.h"
#include "core/image/RecipeFile.h"
#include "core/model/FeatureNetwork.h"
#include "core/weights/SafetensorsWriter.h"
#include "support/SharedPictures.h"
#include "support/TestPaths.h"

using namespace impasto;

namespace {

FastTrainingOptions tinyOptions() {
    FastTrainingOptions options;
    options.trainSize = 64;
    options.batchSize = 2;
    options.width = 0.25;
    options.learningRate = 0.01;
    options.seed = 7;
    return options;
}

FastStyleTrainer tinyTrainer(const StyleSettings& settings = {},
                             LoadedModel model = test::sharedSqueezeNet()) {
    std::vector<Image> photos = {test::sharedPicture("tubingen.jpg", 128),
                                 test::sharedPicture("photos/chelsea.png", 128)};
    return FastStyleTrainer(std::move(model), settings,
                            test::sharedPicture("starry_night.jpg", 128), "starry_night",
                            std::move(photos), tinyOptions());
}

bool sameParameters(const TransformNetwork& a, const TransformNetwork& b) {
    for (const auto& [name, tensor] : a.parameters()) {
        if (!at::equal(tensor, b.parameters().at(name))) {
            return false;
        }
    }
    return a.parameters().size() == b.parameters().size();
}

// The message of the impasto::Error that reading `file` throws (empty if none).
QString readError(const std::string& file) {
    try {
        readFastStyle(file);
    } catch (const Error& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

}  // namespace

class FastStyleTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void networkKeepsAnySize() {
        const TransformNetwork network(0.25, 1);
        const at::Tensor output = network.forward(at::rand({1, 3, 37, 50}));
        QCOMPARE(output.size(2), 37);
        QCOMPARE(output.size(3), 50);
        QVERIFY(TransformNetwork(1.0, 1).parameterCount() > 10 * network.parameterCount());
    }

    void trainingLowersTheLoss_data() {
        QTest::addColumn<bool>("bfloat16");
        QTest::newRow("float32") << false;
        QTest::newRow("bfloat16") << true;
    }

    void trainingLowersTheLoss() {
        QFETCH(bool, bfloat16);
        const Precision precision = bfloat16 ? Precision::Bfloat16 : Precision::Float32;
        StyleSettings settings;
        settings.precision = precision;
        FastStyleTrainer trainer = tinyTrainer(settings);
        QCOMPARE(trainer.precision().precision, precision);
        // LibTorch's CPU convolutions take bfloat16 everywhere (emulated where need be).
        QCOMPARE(trainer.lossNetwork().reducedPrecision(), precision == Precision::Bfloat16);
        QCOMPARE(trainer.deviceName(), std::string("cpu"));
        std::vector<double> losses;
        for (int i = 0; i < 12; ++i) {
            losses.push_back(trainer.step().total);
        }
        QCOMPARE(trainer.stepsDone(), 12);
        // bfloat16 computes; the trained weights stay float32.
        for (const auto& [name, parameter] : trainer.network().parameters()) {
            QCOMPARE(parameter.scalar_type(), at::kFloat);
        }
        const double first = (losses[0] + losses[1] + losses[2]) / 3;
        const double last = (losses[9] + losses[10] + losses[11]) / 3;
        qInfo("mean loss of steps 1-3: %g, of steps 10-12: %g", first, last);
        QVERIFY(last < 0.8 * first);
    }

    // The trainer sets the precision of a loss network of its own: the caller's (a session's,
    // computing on another thread) keeps its own, in either direction.
    void lossNetworkIsTheTrainers() {
        for (const Precision precision : {Precision::Float32, Precision::Bfloat16}) {
            LoadedModel model = test::sharedSqueezeNet();
            model.network->setReducedPrecision(precision == Precision::Float32);
            StyleSettings settings;
            settings.precision = precision;
            const FastStyleTrainer trainer = tinyTrainer(settings, model);
            QVERIFY(&trainer.lossNetwork() != model.network.get());
            QCOMPARE(trainer.lossNetwork().reducedPrecision(), precision == Precision::Bfloat16);
            QCOMPARE(model.network->reducedPrecision(), precision == Precision::Float32);
        }
    }

    // On the CPU a seed gives the same training, in either precision of the loss network.
    void cpuTrainingIsDeterministic() {
        for (const Precision precision : {Precision::Float32, Precision::Bfloat16}) {
            StyleSettings settings;
            settings.precision = precision;
            FastStyleTrainer first = tinyTrainer(settings);
            FastStyleTrainer second = tinyTrainer(settings);
            for (int step = 0; step < 3; ++step) {
                QCOMPARE(second.step().total, first.step().total);
            }
            QVERIFY(sameParameters(first.network(), second.network()));
            QVERIFY(sameParameters(*first.style().network, first.network()));
        }
    }

    void roundTripIsBitExact() {
        QTemporaryDir folder;
        FastStyleTrainer trainer = tinyTrainer();
        trainer.step();
        const std::string file = folder.filePath("style.safetensors").toStdString();
        writeFastStyle(file, trainer.style());
        const FastStyle read = readFastStyle(file);
        QVERIFY(sameParameters(*read.network, trainer.network()));
        QCOMPARE(read.network->width(), 0.25);
        QCOMPARE(read.lossNetwork, std::string("squeezenet1_1"));
        QCOMPARE(read.paintingName, std::string("starry_night"));
        QCOMPARE(read.steps, 1);
        QVERIFY(read.settings == trainer.style().settings);
        QCOMPARE(read.thumbnail.rgb, trainer.style().thumbnail.rgb);
        QVERIFY(std::max(read.thumbnail.width(), read.thumbnail.height()) == kThumbnailSide);
    }

    void applyingIsDeterministic() {
        const TransformNetwork network(0.25, 3);
        const Image photo = test::sharedPicture("tubingen.jpg", 96);
        const Image first = applyFastStyle(network, photo);
        QCOMPARE(first.width(), photo.width());
        QCOMPARE(first.height(), photo.height());
        QCOMPARE(applyFastStyle(network, photo).rgb, first.rgb);
        QVERIFY(first.rgb != photo.rgb);
        // Strength 0 is the photo itself.
        const Image none = applyFastStyle(network, photo, {.strength = 0.0});
        double largest = 0;
        for (size_t i = 0; i < none.rgb.size(); ++i) {
            largest = std::max(largest, double(std::abs(none.rgb[i] - photo.rgb[i])));
        }
        QVERIFY(largest < 1e-6);
        QVERIFY_THROWS_EXCEPTION(Error, applyFastStyle(network, photo, {.strength = 1.5}));
    }

    // Reading a photo folder stops between two photos when asked (closing the training dialog).
    void decodingPhotosStopsWhenAsked() {
        const std::vector<std::filesystem::path> files = {
            test::sharedImage("tubingen.jpg").toStdString(),
            test::sharedImage("photos/chelsea.png").toStdString()};
        QCOMPARE(decodePhotos(files, 64).images.size(), size_t(2));
        int asked = 0;
        const auto stopAfterOne = [&] { return ++asked > 1; };
        try {
            decodePhotos(files, 64, stopAfterOne);
            QFAIL("decoding went on after the stop");
        } catch (const Error& error) {
            QVERIFY2(QString(error.what()).contains("Stopped"), error.what());
        }
        QCOMPARE(asked, 2);
    }

    void damagedFilesGiveClearErrors() {
        QTemporaryDir folder;
        const std::string good = folder.filePath("good.safetensors").toStdString();
        FastStyleTrainer trainer = tinyTrainer();
        writeFastStyle(good, trainer.style());

        // Truncated: the last half of the data is gone.
        const std::string truncated = folder.filePath("truncated.safetensors").toStdString();
        std::filesystem::copy_file(good, truncated);
        std::filesystem::resize_file(truncated, std::filesystem::file_size(good) / 2);
        QVERIFY2(!readError(truncated).isEmpty(), "a truncated file was read");

        // A model's weights, not a style.
        const QString foreign =
            readError(test::sharedWeights("squeezenet1_1-features.safetensors").toStdString());
        QVERIFY2(foreign.contains("not an Impasto fast style"), qPrintable(foreign));

        // Not safetensors at all.
        const std::string text = folder.filePath("notes.safetensors").toStdString();
        std::ofstream(text) << "just some text, not a style";
        QVERIFY(!readError(text).isEmpty());

        // The right metadata with a tensor missing.
        std::map<std::string, WeightTensor> tensors;
        tensors["thumbnail"] = {{1, 1, 3}, {0.f, 0.f, 0.f}};
        const std::map<std::string, std::string> metadata = {{"format", "impasto-fast-style"},
                                                             {"format_version", "1"},
                                                             {"width", "0.25"},
                                                             {"loss_network", "squeezenet1_1"},
                                                             {"settings", "{}"},
                                                             {"painting", "x"},
                                                             {"steps", "1"}};
        const std::string incomplete = folder.filePath("incomplete.safetensors").toStdString();
        writeSafetensors(incomplete, tensors, metadata);
        const QString lacks = readError(incomplete);
        QVERIFY2(lacks.contains("lacks the tensor"), qPrintable(lacks));

        // A newer format version.
        auto newer = metadata;
        newer["format_version"] = std::string(1, '9');  // GCC 12 misreports a literal (-Wrestrict)
        writeSafetensors(incomplete, tensors, newer);
        QVERIFY2(readError(incomplete).contains("version 9"), qPrintable(readError(incomplete)));

        // A style is no checkpoint.
        TrainingState state;
        QVERIFY_THROWS_EXCEPTION(Error, readFastStyle(good, &state));
    }

    void resumeContinuesAtTheRightStep() {
        QTemporaryDir folder;
        const std::string checkpoint = folder.filePath("run.checkpoint").toStdString();
        FastStyleTrainer straight = tinyTrainer();
        straight.step();
        straight.step();
        const TrainingState written = straight.trainingState();
        writeFastStyle(checkpoint, straight.style(), &written);
        straight.step();
        straight.step();

        FastStyleTrainer resumed = tinyTrainer();
        TrainingState state;
        const FastStyle style = readFastStyle(checkpoint, &state);
        QCOMPARE(state.step, 2);
        // The training time too, so that a timed training resumed trains only the time left.
        QVERIFY(written.trainedSeconds > 0.0);
        QCOMPARE(state.trainedSeconds, written.trainedSeconds);
        resumed.resume(style, state);
        QCOMPARE(resumed.stepsDone(), 2);
        QCOMPARE(resumed.trainedSeconds(), written.trainedSeconds);
        resumed.step();
        resumed.step();
        QCOMPARE(resumed.stepsDone(), 4);
        QVERIFY2(sameParameters(resumed.network(), straight.network()),
                 "the resumed run differs from the uninterrupted one");
    }

    void cliTrainsAndApplies() {
        QTemporaryDir folder;
        const QString cli = test::binaryDir() + "/app/impasto-cli";
        const QString style = folder.filePath("starry.safetensors");
        // One photo and one file that only looks like one.
        QDir(folder.path()).mkdir("photos");
        QVERIFY(QFile::copy(test::sharedImage("photos/chelsea.png"),
                            folder.filePath("photos/chelsea.png")));
        std::ofstream(folder.filePath("photos/broken.jpg").toStdString()) << "not a JPEG";
        auto trainArguments = [&](const QString& steps) {
            return QStringList{
                "--train-style", style,
                "--style",       test::sharedImage("starry_night.jpg"),
                "--photos",      folder.filePath("photos"),
                "--train-size",  "64",
                "--batch",       "1",
                "--steps",       steps,
                "--width",       "0.25",
                "--model",       test::sharedWeights("squeezenet1_1-features.safetensors")};
        };
        // Ctrl+C during a long run writes a checkpoint...
        QProcess stopped;
        stopped.setReadChannel(QProcess::StandardError);
        stopped.start(cli, trainArguments("100000"));
        QVERIFY(stopped.waitForStarted());
        QString stoppedLog;
        while (!stoppedLog.contains("step 1 of") && stopped.waitForReadyRead(60000)) {
            stoppedLog += stopped.readAllStandardError();
        }
        ::kill(static_cast<pid_t>(stopped.processId()), SIGINT);
        QVERIFY(stopped.waitForFinished(60000));
        stoppedLog += stopped.readAllStandardError();
        QCOMPARE(stopped.exitCode(), 128 + SIGINT);
        QVERIFY2(stoppedLog.contains("Skipped") && stoppedLog.contains("broken.jpg"),
                 qPrintable(stoppedLog));
        QVERIFY2(stoppedLog.contains("checkpoint written"), qPrintable(stoppedLog));
        TrainingState state;
        readFastStyle((style + ".checkpoint").toStdString(), &state);
        QVERIFY(state.step >= 1);
        // ...that the same command resumes, to the style file.
        QProcess train;
        train.start(
            cli, trainArguments(QString::number(state.step + 2)) + QStringList{"--device", "cpu"});
        QVERIFY(train.waitForFinished(120000));
        const QString trainLog = train.readAllStandardError();
        QVERIFY2(train.exitCode() == 0, qPrintable(trainLog));
        QVERIFY2(trainLog.contains("Resuming from") && trainLog.contains("Training on cpu") &&
                     trainLog.contains(QString("step %1 of %1").arg(state.step + 2)),
                 qPrintable(trainLog));
        QCOMPARE(readFastStyle(style.toStdString()).steps, state.step + 2);
        QVERIFY(!QFile::exists(style + ".checkpoint"));

        const QString output = folder.filePath("out.png");
        QProcess apply;
        apply.start(cli, {"--fast-style", style, "--content", test::sharedImage("tubingen.jpg"),
                          "--output", output, "--size", "80", "--strength", "0.8"});
        QVERIFY(apply.waitForFinished(60000));
        QVERIFY2(apply.exitCode() == 0, apply.readAllStandardError().constData());
        const Image result = loadImage(output.toStdString()).image;
        QCOMPARE(std::max(result.width(), result.height()), 80);

        // A recipe that started from the fast style (the app's export of its result) runs again
        // from the style's result on its photo, and says so in its own recipe.
        const QString preset = folder.filePath("from-style.json");
        const QJsonObject recipe{
            {"init", "image"},
            {"outputSize", 64},
            {"initFastStyle", style},
            {"content", test::sharedImage("tubingen.jpg")},
            {"styles", QJsonArray{QJsonObject{{"file", test::sharedImage("starry_night.jpg")}}}}};
        std::ofstream(preset.toStdString()) << QJsonDocument(recipe).toJson().constData();
        const QString refined = folder.filePath("refined.png");
        QProcess fromStyle;
        fromStyle.start(
            cli, {"--preset", preset, "--iterations", "1", "--output", refined, "--device", "cpu",
                  "--model", test::sharedWeights("squeezenet1_1-features.safetensors")});
        QVERIFY(fromStyle.waitForFinished(60000));
        QVERIFY2(fromStyle.exitCode() == 0, fromStyle.readAllStandardError().constData());
        const RunInputs inputs = loadRecipe(refined.toStdString()).inputs;
        QCOMPARE(inputs.initImage, std::optional(style.toStdString()));
        QVERIFY(inputs.initIsFastStyle);

        // A folder of photos into --output-dir.
        QProcess batch;
        batch.start(cli, {"--fast-style", style, "--content", test::sharedDir() + "/images/photos",
                          "--output-dir", folder.filePath("batch"), "--size", "48"});
        QVERIFY(batch.waitForFinished(60000));
        QVERIFY2(batch.exitCode() == 0, batch.readAllStandardError().constData());
        QCOMPARE(QDir(folder.filePath("batch")).entryList(QDir::Files).size(), 4);

        // A model's weight file is no style.
        QProcess wrong;
        wrong.start(cli, {"--fast-style", test::sharedWeights("squeezenet1_1-features.safetensors"),
                          "--content", test::sharedImage("tubingen.jpg"), "--output", output});
        QVERIFY(wrong.waitForFinished(60000));
        QCOMPARE(wrong.exitCode(), 1);
        QVERIFY(QString(wrong.readAllStandardError()).contains("not an Impasto fast style"));
    }

    // Outputs that would overwrite an input, or each other, are refused before any work.
    void cliRefusesOutputsOverInputs() {
        QTemporaryDir folder;
        const QString cli = test::binaryDir() + "/app/impasto-cli";
        const QString style = folder.filePath("starry.safetensors");
        writeFastStyle(style.toStdString(), tinyTrainer().style());
        QDir(folder.path()).mkpath("a");
        QDir(folder.path()).mkpath("b");
        const QString photo = folder.filePath("a/chelsea.png");
        QVERIFY(QFile::copy(test::sharedImage("photos/chelsea.png"), photo));
        QVERIFY(
            QFile::copy(test::sharedImage("photos/chelsea.png"), folder.filePath("b/chelsea.png")));
        const QString painting = folder.filePath("starry_night.jpg");
        QVERIFY(QFile::copy(test::sharedImage("starry_night.jpg"), painting));
        auto fileBytes = [](const QString& file) {
            QFile opened(file);
            return opened.open(QIODevice::ReadOnly) ? opened.readAll() : QByteArray();
        };
        const QByteArray photoBytes = fileBytes(photo);
        const QByteArray paintingBytes = fileBytes(painting);
        auto refusal = [&](const QStringList& arguments) {
            QProcess run;
            run.start(cli, arguments);
            if (!run.waitForFinished(60000) || run.exitCode() != 1) {
                return QString("exit code %1: %2")
                    .arg(run.exitCode())
                    .arg(QString(run.readAllStandardError()));
            }
            return QString(run.readAllStandardError());
        };

        QString error = refusal({"--fast-style", style, "--content", photo, "--output", photo});
        QVERIFY2(error.contains("would overwrite the content image"), qPrintable(error));
        error = refusal({"--fast-style", style, "--content", photo, "--content",
                         folder.filePath("b/chelsea.png"), "--output-dir", folder.filePath("out")});
        QVERIFY2(error.contains("would both be written to"), qPrintable(error));
        QCOMPARE(fileBytes(photo), photoBytes);

        auto training = [&](const QString& output) {
            return QStringList{
                "--train-style", output,
                "--style",       painting,
                "--photos",      folder.filePath("a"),
                "--train-size",  "64",
                "--steps",       "1",
                "--width",       "0.25",
                "--model",       test::sharedWeights("squeezenet1_1-features.safetensors")};
        };
        error = refusal(training(painting));
        QVERIFY2(error.contains("--train-style") && error.contains("would overwrite style image 1"),
                 qPrintable(error));
        error = refusal(training(photo));
        QVERIFY2(error.contains("would overwrite the training photo"), qPrintable(error));
        QCOMPARE(fileBytes(painting), paintingBytes);
        QCOMPARE(fileBytes(photo), photoBytes);
        // A finished style (no checkpoint to resume) is not trained over either.
        const QByteArray styleBytes = fileBytes(style);
        error = refusal(training(style));
        QVERIFY2(error.contains("already holds a trained style"), qPrintable(error));
        QCOMPARE(fileBytes(style), styleBytes);
    }
};

QTEST_GUILESS_MAIN(FastStyleTest)
#include "test_fast_style.moc"

// The feature networks built from real and generated weight files: layer shapes, partial
// files, preprocessing and the arithmetic of the first convolution.
#include <QTemporaryDir>
#include <QTest>

#include <ATen/ATen.h>

#include "core/common/Error.h"
#include "core/model/FeatureNetwork.h"
#include "core/model/ModelLoader.h"
#include "core/weights/SafetensorsReader.h"
#include "core/weights/SafetensorsWriter.h"
#include "support/TestPaths.h"
#include "support/WeightFileWriters.h"

using namespace impasto;

namespace {

std::filesystem::path squeezeNetFile() {
    return test::sharedWeights("squeezenet1_1-features.safetensors").toStdString();
}

std::filesystem::path shallowVggFile() {
    return test::sharedWeights("vgg19-conv1_1-conv3_4.safetensors").toStdString();
}

std::vector<int64_t> shapeOf(const at::Tensor& tensor) {
    return tensor.sizes().vec();
}

WeightTensor filled(std::vector<int64_t> shape, float start) {
    WeightTensor tensor;
    tensor.shape = std::move(shape);
    tensor.values.resize(static_cast<size_t>(tensor.elementCount()));
    for (size_t i = 0; i < tensor.values.size(); ++i) {
        tensor.values[i] = start + 0.001f * static_cast<float>(i % 97);
    }
    return tensor;
}

}  // namespace

class FeatureNetworkTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void squeezeNetLayerShapes() {
        const LoadedModel model = loadModel(squeezeNetFile());
        QCOMPARE(model.info.architecture, std::string("squeezenet1_1"));
        QCOMPARE(model.info.availableLayers.back(), std::string("fire9"));
        // The file's metadata carries its Caffe mean.
        QCOMPARE(model.info.preprocessing, Preprocessing::caffe(104.006f, 116.669f, 122.679f));

        const auto features =
            model.network->extract(at::rand({1, 3, 64, 64}),
                                   {"relu1", "pool1", "fire3", "fire5", "fire9"}, PoolingMode::Max);
        // conv1 3x3/2 unpadded, with the edge repeated so that its last window reaches the last
        // pixel: 32 (31 would leave the last column and row unread); pools 3x3/2 in ceil mode:
        // 16, 8, 4.
        QCOMPARE(shapeOf(features.at("relu1")), (std::vector<int64_t>{1, 64, 32, 32}));
        QCOMPARE(shapeOf(features.at("pool1")), (std::vector<int64_t>{1, 64, 16, 16}));
        QCOMPARE(shapeOf(features.at("fire3")), (std::vector<int64_t>{1, 128, 16, 16}));
        QCOMPARE(shapeOf(features.at("fire5")), (std::vector<int64_t>{1, 256, 8, 8}));
        QCOMPARE(shapeOf(features.at("fire9")), (std::vector<int64_t>{1, 512, 4, 4}));
        QVERIFY(features.at("relu1").min().item<float>() >= 0.0f);
    }

    void averagePoolingChangesDeepFeaturesOnly() {
        const LoadedModel model = loadModel(squeezeNetFile());
        const at::Tensor image = at::rand({1, 3, 48, 48});
        const auto maxed = model.network->extract(image, {"relu1", "fire3"}, PoolingMode::Max);
        const auto averaged =
            model.network->extract(image, {"relu1", "fire3"}, PoolingMode::Average);
        QVERIFY(at::equal(maxed.at("relu1"), averaged.at("relu1")));
        QVERIFY(!at::allclose(maxed.at("fire3"), averaged.at("fire3")));
    }

    void shallowVggProvidesItsLayersAndRefusesDeeperOnes() {
        const LoadedModel model = loadModel(shallowVggFile());
        QCOMPARE(model.info.architecture, std::string("vgg19"));
        QCOMPARE(model.info.availableLayers.back(), std::string("pool3"));
        QCOMPARE(model.info.defaultStyleLayers,
                 (std::vector<std::string>{"relu1_1", "relu2_1", "relu3_1"}));
        QCOMPARE(model.info.defaultContentLayers, (std::vector<std::string>{"relu3_4"}));

        const auto features = model.network->extract(at::rand({1, 3, 32, 40}),
                                                     {"relu1_1", "relu3_4"}, PoolingMode::Max);
        QCOMPARE(shapeOf(features.at("relu1_1")), (std::vector<int64_t>{1, 64, 32, 40}));
        QCOMPARE(shapeOf(features.at("relu3_4")), (std::vector<int64_t>{1, 256, 8, 10}));

        try {
            model.network->requireLayers({"relu4_2"});
            QFAIL("relu4_2 is not in the file");
        } catch (const Error& error) {
            const QString message = error.what();
            QVERIFY2(message.contains("relu4_2") && message.contains("pool3"), error.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, model.network->requireLayers({"relu9_9"}));
    }

    // conv1_1 at one pixel, worked out from the file's own weights: checks the kernel layout,
    // the BGR order and the mean subtraction together.
    void firstConvolutionMatchesAHandComputation() {
        const LoadedModel model = loadModel(shallowVggFile());
        const TensorSet weights = readSafetensors(shallowVggFile());
        const WeightTensor& kernel = weights.at("features.0.weight");  // 64 x 3 x 3 x 3, BGR
        const WeightTensor& bias = weights.at("features.0.bias");

        const at::Tensor image = at::rand({1, 3, 5, 5});
        const at::Tensor conv =
            model.network->extract(image, {"conv1_1"}, PoolingMode::Max).at("conv1_1");
        const float meanBgr[3] = {103.939f, 116.779f, 123.68f};
        for (const int out : {0, 17, 63}) {
            double expected = bias.values[static_cast<size_t>(out)];
            for (int bgr = 0; bgr < 3; ++bgr) {
                for (int dy = 0; dy < 3; ++dy) {
                    for (int dx = 0; dx < 3; ++dx) {
                        const float rgb = image[0][2 - bgr][1 + dy][1 + dx].item<float>();
                        const size_t index =
                            static_cast<size_t>(((out * 3 + bgr) * 3 + dy) * 3 + dx);
                        expected += kernel.values[index] * (rgb * 255.0 - meanBgr[bgr]);
                    }
                }
            }
            QVERIFY(std::abs(conv[0][out][2][2].item<double>() - expected) <
                    1e-3 * std::max(1.0, std::abs(expected)));
        }
    }

    void caffeFilesOfBothEncodingsBuildVgg() {
        QTemporaryDir dir;
        const std::vector<test::CaffeLayer> layers = {
            {"conv1_1", "Convolution", {filled({64, 3, 3, 3}, 0.01f), filled({64}, 0.1f)}},
            {"conv1_2", "Convolution", {filled({64, 64, 3, 3}, -0.02f), filled({64}, 0.0f)}},
            // A layer VGG does not have: ignored.
            {"fc8", "InnerProduct", {filled({10, 4}, 0.0f), filled({10}, 0.0f)}},
        };
        for (const auto encoding : {test::CaffeEncoding::Layer, test::CaffeEncoding::V1Layer}) {
            const QString file = dir.filePath(
                encoding == test::CaffeEncoding::Layer ? "new.caffemodel" : "legacy.caffemodel");
            QVERIFY(test::writeCaffeModel(file, "VGG_ILSVRC_19_layers", layers, encoding));
            const LoadedModel model = loadModel(file.toStdString());
            QCOMPARE(model.info.architecture, std::string("vgg19"));
            // Caffe files without metadata get the VGG Caffe mean.
            QCOMPARE(model.info.preprocessing, Preprocessing::caffe(103.939f, 116.779f, 123.68f));
            QCOMPARE(
                model.info.availableLayers,
                (std::vector<std::string>{"conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1"}));
            const auto features =
                model.network->extract(at::rand({1, 3, 8, 8}), {"pool1"}, PoolingMode::Max);
            QCOMPARE(shapeOf(features.at("pool1")), (std::vector<int64_t>{1, 64, 4, 4}));
        }
    }

    // VGG-16's third block ends at conv3_3, VGG-19's at conv3_4: the names tell them apart.
    void caffeNamesTellVgg16FromVgg19() {
        QTemporaryDir dir;
        const std::vector<std::pair<std::string, std::vector<int64_t>>> convolutions = {
            {"conv1_1", {64, 3, 3, 3}},    {"conv1_2", {64, 64, 3, 3}},
            {"conv2_1", {128, 64, 3, 3}},  {"conv2_2", {128, 128, 3, 3}},
            {"conv3_1", {256, 128, 3, 3}}, {"conv3_2", {256, 256, 3, 3}},
            {"conv3_3", {256, 256, 3, 3}}};
        std::vector<test::CaffeLayer> layers;
        for (const auto& [name, shape] : convolutions) {
            layers.push_back(
                {name, "Convolution", {filled(shape, 0.0f), filled({shape[0]}, 0.0f)}});
        }
        const QString file = dir.filePath("vgg16.caffemodel");
        QVERIFY(test::writeCaffeModel(file, "VGG_ILSVRC_16_layers", layers,
                                      test::CaffeEncoding::V1Layer));
        const LoadedModel model = loadModel(file.toStdString());
        QCOMPARE(model.info.architecture, std::string("vgg16"));
        QCOMPARE(model.info.availableLayers.back(), std::string("pool3"));
        QCOMPARE(model.info.defaultContentLayers, (std::vector<std::string>{"relu3_3"}));
    }

    void misshapenWeightsAreRefused() {
        QTemporaryDir dir;
        const QString file = dir.filePath("wrong.safetensors");
        QVERIFY(test::writeSafetensors(file,
                                       {{"features.0.weight", filled({32, 3, 3, 3}, 0.0f)},
                                        {"features.0.bias", filled({32}, 0.0f)},
                                        {"features.2.weight", filled({64, 64, 3, 3}, 0.0f)}},
                                       {{"architecture", "vgg19"}}));
        try {
            loadModel(file.toStdString());
            QFAIL("a 32-channel conv1_1 is not VGG-19's");
        } catch (const Error& error) {
            QVERIFY2(QString(error.what()).contains("features.0"), error.what());
        }
    }

    // A label decides nothing on its own: SqueezeNet's conv1 has VGG's conv1_1 shape, so a
    // SqueezeNet file labelled vgg19 used to run as a one-layer "VGG-19".
    void weightsOfAnotherNetworkThanClaimedAreRefused() {
        QTemporaryDir dir;
        auto relabelled = [&](const std::filesystem::path& source, const std::string& label) {
            TensorSet weights = readSafetensors(source);
            weights.metadata["architecture"] = label;
            const std::filesystem::path file =
                dir.filePath(QString::fromStdString(label) + "-label.safetensors").toStdString();
            writeSafetensors(file, weights.tensors, weights.metadata);
            return file;
        };
        auto refusal = [](const std::filesystem::path& file, const ModelHints& hints = {}) {
            try {
                loadModel(file, hints);
            } catch (const Error& error) {
                return QString(error.what());
            }
            return QString();
        };

        const QString squeezeAsVgg = refusal(relabelled(squeezeNetFile(), "vgg19"));
        QVERIFY2(squeezeAsVgg.contains("metadata says vgg19") &&
                     squeezeAsVgg.contains("tensors are SqueezeNet 1.1's") &&
                     squeezeAsVgg.contains("features.2.weight [64,64,3,3]") &&
                     squeezeAsVgg.contains("features.3.squeeze.weight [16,64,1,1]"),
                 qPrintable(squeezeAsVgg));

        const QString vggAsSqueeze = refusal(relabelled(shallowVggFile(), "squeezenet1_1"));
        QVERIFY2(vggAsSqueeze.contains("tensors are VGG-19's") &&
                     vggAsSqueeze.contains("features.2.weight"),
                 qPrintable(vggAsSqueeze));

        // VGG-16 shares VGG-19's first seven convolutions; conv3_4 (features.16) is VGG-19's.
        ModelHints vgg16;
        vgg16.architecture = "vgg16";
        const QString vggAsVgg16 = refusal(shallowVggFile(), vgg16);
        QVERIFY2(vggAsVgg16.contains("model list says vgg16") &&
                     vggAsVgg16.contains("tensors are VGG-19's") &&
                     vggAsVgg16.contains("features.16.weight"),
                 qPrintable(vggAsVgg16));

        // A gap is damage, not a shorter network: conv2_1 missing leaves conv2_2 on.
        TensorSet damaged = readSafetensors(shallowVggFile());
        damaged.tensors.erase("features.5.weight");
        damaged.tensors.erase("features.5.bias");
        const std::filesystem::path gap = dir.filePath("gap.safetensors").toStdString();
        writeSafetensors(gap, damaged.tensors, damaged.metadata);
        const QString gapMessage = refusal(gap);
        QVERIFY2(gapMessage.contains("not VGG-19's") &&
                     gapMessage.contains("features.5.weight [128,64,3,3] (conv2_1)") &&
                     gapMessage.contains("features.7.weight"),
                 qPrintable(gapMessage));

        // The shared files themselves, complete or partial, still load as what they say.
        QCOMPARE(loadModel(relabelled(squeezeNetFile(), "squeezenet1_1")).info.title,
                 std::string("SqueezeNet 1.1"));
        QCOMPARE(loadModel(relabelled(shallowVggFile(), "vgg19")).info.availableLayers.back(),
                 std::string("pool3"));
    }

    void aMissingBiasIsRefused() {
        QTemporaryDir dir;
        const QString file = dir.filePath("nobias.safetensors");
        QVERIFY(test::writeSafetensors(file, {{"features.0.weight", filled({64, 3, 3, 3}, 0.0f)}},
                                       {{"architecture", "vgg19"}}));
        try {
            loadModel(file.toStdString());
            QFAIL("a convolution without its bias is a damaged file");
        } catch (const Error& error) {
            QVERIFY2(QString(error.what()).contains("bias"), error.what());
        }
    }

    // Caffe's layer names mean Caffe's input (BGR, 0..255, mean), whatever the container.
    void caffeNamesInSafetensorsGetCaffePreprocessing() {
        QTemporaryDir dir;
        const QString file = dir.filePath("caffe-names.safetensors");
        QVERIFY(test::writeSafetensors(file, {{"conv1_1.weight", filled({64, 3, 3, 3}, 0.0f)},
                                              {"conv1_1.bias", filled({64}, 0.0f)}}));
        const LoadedModel model = loadModel(file.toStdString());
        QCOMPARE(model.info.architecture, std::string("vgg19"));
        QCOMPARE(model.info.preprocessing, Preprocessing::caffe(103.939f, 116.779f, 123.68f));
    }

    // The computed minimum is exactly where LibTorch itself starts and stops accepting sizes.
    void minimumInputSideMatchesLibTorch() {
        const LoadedModel model = loadModel(squeezeNetFile());
        const NetworkDescription& squeeze = NetworkDescription::squeezeNet11();
        for (const char* layer : {"relu1", "fire2", "fire5", "fire6", "fire9"}) {
            const int side = squeeze.minimumInputSide(squeeze.indexOf(layer));
            QVERIFY(side > 1);
            model.network->extract(at::rand({1, 3, side, side}), {layer}, PoolingMode::Max);
            bool refused = false;
            try {
                model.network->extract(at::rand({1, 3, side - 1, side - 1}), {layer},
                                       PoolingMode::Max);
            } catch (const std::exception&) {
                refused = true;
            }
            QVERIFY2(refused, layer);
        }
        const NetworkDescription& vgg = NetworkDescription::vgg19();
        QCOMPARE(vgg.minimumInputSide(vgg.indexOf("relu1_1")), 1);
        QCOMPARE(vgg.minimumInputSide(vgg.indexOf("relu3_1")), 4);
        QCOMPARE(vgg.minimumInputSide(vgg.indexOf("relu5_1")), 16);
    }

    void anotherNetworkIsRefused() {
        try {
            loadModel(test::sharedWeights("lenet-mnist.caffemodel").toStdString());
            QFAIL("LeNet is not an image feature network");
        } catch (const Error& error) {
            QVERIFY2(QString(error.what()).contains("lenet-mnist.caffemodel"), error.what());
        }
    }

    // The memory layout is a speed choice only: features and gradients stay the same.
    void channelsLastGivesTheSameFeaturesAndGradients() {
        LoadedModel model = loadModel(shallowVggFile());
        FeatureNetwork& network = *model.network;
        const at::Tensor image = at::rand({1, 3, 24, 20});
        auto run = [&](bool channelsLast) {
            network.setChannelsLast(channelsLast);
            const at::Tensor input = image.clone().requires_grad_(true);
            const auto features = network.extract(input, {"relu1_2", "relu2_1"}, PoolingMode::Max);
            (features.at("relu1_2").pow(2).mean() + features.at("relu2_1").mean()).backward();
            return std::make_pair(features, input.grad());
        };
        const auto [contiguous, contiguousGradient] = run(false);
        const auto [channelsLast, channelsLastGradient] = run(true);
        QVERIFY(network.channelsLast());
        QVERIFY(channelsLast.at("relu2_1").is_contiguous(at::MemoryFormat::ChannelsLast));
        for (const char* layer : {"relu1_2", "relu2_1"}) {
            QVERIFY(at::allclose(channelsLast.at(layer), contiguous.at(layer), 1e-4, 1e-3));
        }
        // Summed in another order, so near-zero entries differ by rounding: the tolerance is
        // relative to the gradient's largest entry.
        const double largest = contiguousGradient.abs().max().item<double>();
        QVERIFY(largest > 0.0);
        const double difference =
            (channelsLastGradient - contiguousGradient).abs().max().item<double>();
        QVERIFY2(
            difference <= 1e-5 * largest,
            qPrintable(
                QString("largest difference %1, largest entry %2").arg(difference).arg(largest)));
    }

    // The first convolution repeats the edge: a flat image gives the same conv1_1 features at
    // the border as inside, where zero padding (a frame of the mean colour) made them differ.
    void firstConvolutionRepeatsTheEdge() {
        const LoadedModel model = loadModel(shallowVggFile());
        const at::Tensor flat = at::full({1, 3, 16, 16}, 0.3);
        auto spreadAcrossPositions = [&] {
            const at::Tensor features =
                model.network->extract(flat, {"conv1_1"}, PoolingMode::Max).at("conv1_1");
            return (features.amax({2, 3}) - features.amin({2, 3})).max().item<double>();
        };
        const double repeated = spreadAcrossPositions();
        model.network->setEdgeRepeated(false);
        const double zeroPadded = spreadAcrossPositions();
        qInfo("largest spread of a conv1_1 channel: %g repeated, %g zero-padded", repeated,
              zeroPadded);
        QVERIFY(repeated < 1e-3);
        QVERIFY(zeroPadded > 1.0);
    }

    // ReLUs work in place only on activations nobody asked for: a requested convolution output
    // keeps its negative values.
    void requestedFeaturesAreNotOverwritten() {
        const LoadedModel model = loadModel(shallowVggFile());
        const auto features = model.network->extract(
            at::rand({1, 3, 16, 16}), {"conv1_1", "relu1_1", "conv1_2"}, PoolingMode::Max);
        const at::Tensor& convolution = features.at("conv1_1");
        QVERIFY(convolution.min().item<float>() < 0.0f);
        QVERIFY(at::equal(features.at("relu1_1"), at::relu(convolution)));
    }

    // bfloat16 convolutions run on the CPU too; the features come back in bfloat16,
    // channels-last, close to float32's.
    void reducedPrecisionRunsOnTheCpu() {
        LoadedModel model = loadModel(squeezeNetFile());
        FeatureNetwork& network = *model.network;
        QVERIFY(!network.reducedPrecision());
        const at::Tensor image = at::rand({1, 3, 32, 32});
        const auto float32 = network.extract(image, {"fire2"}, PoolingMode::Max).at("fire2");
        QCOMPARE(float32.scalar_type(), at::kFloat);
        network.setReducedPrecision(true);
        QVERIFY(network.reducedPrecision());
        const auto bfloat16 = network.extract(image, {"fire2"}, PoolingMode::Max).at("fire2");
        QCOMPARE(bfloat16.scalar_type(), at::kBFloat16);
        QVERIFY(bfloat16.is_contiguous(at::MemoryFormat::ChannelsLast));
        // bfloat16 keeps 8 significant bits: about 0.4% per value, a few percent after the
        // layers up to fire2.
        const double relativeError =
            ((bfloat16.to(at::kFloat) - float32).norm() / float32.norm()).item<double>();
        QVERIFY2(relativeError < 0.03, qPrintable(QString::number(relativeError)));
    }

    void preprocessingParses() {
        QCOMPARE(Preprocessing::parse("caffe-bgr:1.5,2,3.25"),
                 Preprocessing::caffe(1.5f, 2.0f, 3.25f));
        QCOMPARE(Preprocessing::parse("torchvision"), Preprocessing::torchvision());
        QVERIFY_THROWS_EXCEPTION(Error, Preprocessing::parse("caffe-bgr:1,2"));
        QVERIFY_THROWS_EXCEPTION(Error, Preprocessing::parse("imagenet"));
    }
};

QTEST_APPLESS_MAIN(FeatureNetworkTest)
#include "test_feature_network.moc"

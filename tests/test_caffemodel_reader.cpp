#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/common/Error.h"
#include "core/weights/CaffeModelReader.h"
#include "core/weights/WeightFile.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"
#include "support/WeightFileChecks.h"
#include "support/WeightFileWriters.h"

using namespace impasto;
using impasto::test::CaffeEncoding;
using impasto::test::CaffeLayer;
using impasto::test::CaffeValues;
using impasto::test::toPath;

Q_DECLARE_METATYPE(impasto::test::CaffeEncoding)
Q_DECLARE_METATYPE(impasto::test::CaffeValues)

namespace {

using Shape = std::vector<int64_t>;

// A small network in the shape of a real one: layers without blobs, weights and biases, and a
// layer with a third blob.
std::vector<CaffeLayer> sampleLayers() {
    return {
        {"data", "Input", {}},
        {"conv1",
         "Convolution",
         {{{2, 1, 2, 2}, {0.5f, -1.25f, 3.0f, 0.0f, -0.0f, 1e-7f, 7.75f, -2.0f}},
          {{2}, {0.125f, -0.375f}}}},
        {"relu1", "ReLU", {}},
        {"fc", "InnerProduct", {{{3, 2}, {1, 2, 3, 4, 5, 6}}, {{3}, {-1, 0, 1}}, {{1}, {9}}}},
    };
}

}  // namespace

class CaffeModelReaderTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    QString temporaryFile(const QString& name) const { return dir_.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void readsLenet() {
        const TensorSet set = readCaffeModel(toPath(test::sharedWeights("lenet-mnist.caffemodel")));
        const std::map<std::string, Shape> expected = {
            {"conv1.weight", {20, 1, 5, 5}},  {"conv1.bias", {20}},
            {"conv2.weight", {50, 20, 5, 5}}, {"conv2.bias", {50}},
            {"ip1.weight", {500, 800}},       {"ip1.bias", {500}},
            {"ip2.weight", {10, 500}},        {"ip2.bias", {10}},
        };
        QCOMPARE(set.tensors.size(), expected.size());
        for (const auto& [name, shape] : expected) {
            QVERIFY2(set.contains(name), name.c_str());
            const WeightTensor& tensor = set.at(name);
            QCOMPARE(tensor.shape, shape);
            QCOMPARE(static_cast<int64_t>(tensor.values.size()), tensor.elementCount());
            // Trained weights: finite, small, and not all zero.
            QVERIFY2(std::all_of(tensor.values.begin(), tensor.values.end(),
                                 [](float v) { return std::isfinite(v) && std::abs(v) < 10; }),
                     name.c_str());
            QVERIFY2(std::any_of(tensor.values.begin(), tensor.values.end(),
                                 [](float v) { return v != 0.0f; }),
                     name.c_str());
        }
        QCOMPARE(set.metadata.at("format"), std::string("caffemodel"));
        QCOMPARE(set.metadata.at("network"), std::string("LeNet"));
        QCOMPARE(set.metadata.at("encoding"), std::string("layer"));
    }

    void filterSkipsBlobs() {
        std::vector<std::string> asked;
        const TensorSet set = readWeightFile(toPath(test::sharedWeights("lenet-mnist.caffemodel")),
                                             [&](const std::string& name) {
                                                 asked.push_back(name);
                                                 return name.starts_with("conv");
                                             });
        QCOMPARE(asked.size(), size_t{8});
        QCOMPARE(set.tensors.size(), size_t{4});
        QVERIFY(set.contains("conv2.weight") && !set.contains("ip1.weight"));
    }

    void roundTrips_data() {
        QTest::addColumn<CaffeEncoding>("encoding");
        QTest::addColumn<CaffeValues>("values");
        QTest::newRow("layer packed") << CaffeEncoding::Layer << CaffeValues::Packed;
        QTest::newRow("layer unpacked") << CaffeEncoding::Layer << CaffeValues::Unpacked;
        QTest::newRow("layer doubles") << CaffeEncoding::Layer << CaffeValues::PackedDoubles;
        QTest::newRow("V1 packed") << CaffeEncoding::V1Layer << CaffeValues::Packed;
        QTest::newRow("V1 unpacked") << CaffeEncoding::V1Layer << CaffeValues::Unpacked;
        QTest::newRow("V1 doubles") << CaffeEncoding::V1Layer << CaffeValues::PackedDoubles;
    }

    void roundTrips() {
        QFETCH(CaffeEncoding, encoding);
        QFETCH(CaffeValues, values);
        const std::vector<CaffeLayer> layers = sampleLayers();
        const QString file = temporaryFile("roundtrip.caffemodel");
        QVERIFY(test::writeCaffeModel(file, "TestNet", layers, encoding, values));
        const TensorSet set = readCaffeModel(toPath(file));
        const bool legacy = encoding == CaffeEncoding::V1Layer;
        QCOMPARE(set.metadata.at("network"), std::string("TestNet"));
        QCOMPARE(set.metadata.at("encoding"), std::string(legacy ? "V1LayerParameter" : "layer"));
        QCOMPARE(set.tensors.size(), size_t{5});
        const std::map<std::string, std::pair<const WeightTensor*, Shape>> expected = {
            {"conv1.weight", {&layers[1].blobs[0], {2, 1, 2, 2}}},
            {"conv1.bias", {&layers[1].blobs[1], legacy ? Shape{1, 1, 1, 2} : Shape{2}}},
            {"fc.weight", {&layers[3].blobs[0], legacy ? Shape{1, 1, 3, 2} : Shape{3, 2}}},
            {"fc.bias", {&layers[3].blobs[1], legacy ? Shape{1, 1, 1, 3} : Shape{3}}},
            {"fc.blob2", {&layers[3].blobs[2], legacy ? Shape{1, 1, 1, 1} : Shape{1}}},
        };
        for (const auto& [name, want] : expected) {
            QVERIFY2(set.contains(name), name.c_str());
            QCOMPARE(set.at(name).shape, want.second);
            QCOMPARE(set.at(name).values, want.first->values);
        }
        QVERIFY(std::signbit(set.at("conv1.weight").values[4]));
    }

    void dispatchesOnContent() {
        const QString file = temporaryFile("weights.bin");
        QVERIFY(test::writeCaffeModel(file, "Net", sampleLayers(), CaffeEncoding::V1Layer));
        QCOMPARE(readWeightFile(toPath(file)).tensors.size(), size_t{5});
    }

    void rejectsEveryTruncation() {
        const QByteArray whole = test::caffeModelBytes("Net", sampleLayers(), CaffeEncoding::Layer);
        const QString file = temporaryFile("cut.caffemodel");
        // Every prefix either fails to parse or, cut at a field boundary, misses weights; none
        // may be taken for the complete model.
        for (qsizetype size = 0; size < whole.size(); ++size) {
            QVERIFY(test::writeBytes(file, whole.left(size)));
            try {
                const TensorSet set = readCaffeModel(toPath(file));
                QVERIFY2(set.tensors.size() < 5, qPrintable(QString::number(size)));
            } catch (const Error& error) {
                QVERIFY2(QString(error.what()).contains("cut.caffemodel"), error.what());
            }
        }
    }

    void rejectsCorruptFiles_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const QByteArray good = test::caffeModelBytes("Net", sampleLayers(), CaffeEncoding::Layer);
        const QByteArray legacy =
            test::caffeModelBytes("Net", sampleLayers(), CaffeEncoding::V1Layer);
        auto mismatched = sampleLayers();
        mismatched[1].blobs[0].values.pop_back();
        auto overflowing = sampleLayers();
        overflowing[1].blobs[0].shape = {4294967296, 4294967296, 16};
        // 2^63 elements before the zero: no values, but counting them overflows (a fuzz finding).
        auto zeroAfterOverflow = sampleLayers();
        zeroAfterOverflow[1].blobs[0].shape = {int64_t{1} << 62, 2, 0};
        zeroAfterOverflow[1].blobs[0].values.clear();
        auto unnamed = sampleLayers();
        unnamed[1].name.clear();
        auto duplicated = sampleLayers();
        duplicated[3].name = "conv1";
        std::vector<CaffeLayer> noBlobs = {{"data", "Input", {}}, {"relu", "ReLU", {}}};

        QTest::newRow("empty") << QByteArray() << "is not a valid Caffe model";
        QTest::newRow("name only")
            << test::caffeModelBytes("Net", {}, CaffeEncoding::Layer) << "has no layers";
        QTest::newRow("no blobs") << test::caffeModelBytes("Net", noBlobs, CaffeEncoding::Layer)
                                  << "holds no weights";
        QTest::newRow("mid blob") << good.left(good.size() * 2 / 3) << "past the end";
        QTest::newRow("legacy mid blob") << legacy.left(legacy.size() / 2) << "past the end";
        QTest::newRow("count mismatch")
            << test::caffeModelBytes("Net", mismatched, CaffeEncoding::Layer)
            << "layer conv1 blob 0 has 7 values but shape [2,1,2,2] needs 8";
        QTest::newRow("legacy count mismatch")
            << test::caffeModelBytes("Net", mismatched, CaffeEncoding::V1Layer)
            << "layer conv1 blob 0 has 7 values";
        QTest::newRow("shape overflow")
            << test::caffeModelBytes("Net", overflowing, CaffeEncoding::Layer) << "too large";
        QTest::newRow("shape overflow before a zero")
            << test::caffeModelBytes("Net", zeroAfterOverflow, CaffeEncoding::Layer) << "too large";
        QTest::newRow("unnamed layer")
            << test::caffeModelBytes("Net", unnamed, CaffeEncoding::Layer) << "no name";
        QTest::newRow("duplicate layer")
            << test::caffeModelBytes("Net", duplicated, CaffeEncoding::Layer) << "appears twice";
        QTest::newRow("both encodings") << good + legacy << "mixes";
        QTest::newRow("overlong varint") << QByteArray(11, '\xff') << "varint longer than 64 bits";
        QTest::newRow("group") << QByteArray("\x0b\x0c", 2) << "group";
        QTest::newRow("wire type 7") << QByteArray("\x0f", 1) << "invalid wire type";
        QTest::newRow("field 0") << QByteArray("\x02\x00", 2) << "invalid field number";
        QTest::newRow("layer as varint") << QByteArray("\xa0\x06\x01", 3) << "wire type 0";
        QTest::newRow("length past end") << QByteArray("\xa2\x06\x7f\x00", 4) << "past the end";
        // Hand-made layers "l": a blob of BlobShape [5] with 6 bytes of packed data, and one whose
        // BlobShape dim is the 10-byte varint of -1.
        QTest::newRow("ragged packed data")
            << QByteArray("\xa2\x06\x11\x0a\x01l\x3a\x0c\x3a\x02\x08\x05\x2a\x06\0\0\0\0\0\0", 20)
            << "not a whole number";
        QTest::newRow("negative dim")
            << QByteArray(
                   "\xa2\x06\x14\x0a\x01l\x3a\x0f\x3a\x0b\x08\xff\xff\xff\xff\xff\xff\xff"
                   "\xff\xff\x01\x2a\x00",
                   23)
            << "negative size";
        std::mt19937 random(11);
        QByteArray noise(4096, '\0');
        for (char& byte : noise) {
            byte = static_cast<char>(random());
        }
        QTest::newRow("random bytes") << noise << "is not a valid Caffe model";
        QTest::newRow("text") << QByteArray("This is a text file.\nIt holds no weights.\n")
                              << "is not a valid Caffe model";
    }

    void rejectsCorruptFiles() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        test::expectRejected(temporaryFile("corrupt.caffemodel"), bytes, expected,
                             [](const std::filesystem::path& file) { readCaffeModel(file); });
    }
};

QTEST_APPLESS_MAIN(CaffeModelReaderTest)
#include "test_caffemodel_reader.moc"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "core/weights/SafetensorsReader.h"
#include "core/weights/SafetensorsWriter.h"
#include "core/weights/WeightFile.h"
#include "support/TestFiles.h"
#include "support/TestPaths.h"
#include "support/WeightFileChecks.h"
#include "support/WeightFileWriters.h"

using namespace impasto;
using impasto::test::readBytes;
using impasto::test::requiredErrorFrom;
using impasto::test::SafetensorsDtype;
using impasto::test::toPath;

Q_DECLARE_METATYPE(impasto::test::SafetensorsDtype)

namespace {

using Shape = std::vector<int64_t>;

QByteArray littleEndian64(uint64_t value) {
    QByteArray bytes;
    for (int i = 0; i < 8; ++i) {
        bytes.append(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
    return bytes;
}

std::map<std::string, WeightTensor> sampleTensors() {
    return {
        {"features.0.weight",
         {{2, 1, 2, 2}, {0.5f, -1.25f, 3.0f, 0.0f, -0.0f, 1e-3f, 7.75f, -2.0f}}},
        {"features.0.bias", {{2}, {0.125f, -0.375f}}},
        {"scalar", {{}, {42.0f}}},
        {"empty", {{0, 3}, {}}},
    };
}

}  // namespace

class SafetensorsReaderTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    QString temporaryFile(const QString& name) const { return dir_.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void readsSqueezeNet() {
        const TensorSet set =
            readSafetensors(toPath(test::sharedWeights("squeezenet1_1-features.safetensors")));
        QCOMPARE(set.tensors.size(), size_t{50});  // conv1 + 8 fire modules of 3 convolutions
        QCOMPARE(set.at("features.0.weight").shape, (Shape{64, 3, 3, 3}));
        QCOMPARE(set.at("features.0.bias").shape, (Shape{64}));
        QCOMPARE(set.at("features.3.squeeze.weight").shape, (Shape{16, 64, 1, 1}));
        QCOMPARE(set.at("features.3.expand3x3.weight").shape, (Shape{64, 16, 3, 3}));
        QCOMPARE(set.at("features.12.expand1x1.weight").shape, (Shape{256, 64, 1, 1}));
        QCOMPARE(set.metadata.at("architecture"), std::string("squeezenet1_1"));
        QCOMPARE(set.metadata.at("mean_bgr"), std::string("104.006,116.669,122.679"));
        QCOMPARE(set.sourceFile.filename().string(),
                 std::string("squeezenet1_1-features.safetensors"));
        for (const auto& [name, tensor] : set.tensors) {
            QCOMPARE(static_cast<size_t>(tensor.elementCount()), tensor.values.size());
            QVERIFY2(std::all_of(tensor.values.begin(), tensor.values.end(),
                                 [](float v) { return std::isfinite(v); }),
                     name.c_str());
        }
    }

    void readsVgg() {
        const TensorSet set =
            readWeightFile(toPath(test::sharedWeights("vgg19-conv1_1-conv3_4.safetensors")));
        QCOMPARE(set.tensors.size(), size_t{16});  // conv1_1..conv3_4: 8 weights, 8 biases
        QCOMPARE(set.at("features.0.weight").shape, (Shape{64, 3, 3, 3}));
        QCOMPARE(set.at("features.2.weight").shape, (Shape{64, 64, 3, 3}));
        QCOMPARE(set.at("features.5.weight").shape, (Shape{128, 64, 3, 3}));
        QCOMPARE(set.at("features.16.weight").shape, (Shape{256, 256, 3, 3}));
        QCOMPARE(set.at("features.16.bias").shape, (Shape{256}));
        QVERIFY(!set.contains("features.19.weight"));  // conv4 and conv5 are not in this file
        QCOMPARE(set.metadata.at("architecture"), std::string("vgg19"));
        const std::vector<float>& kernel = set.at("features.0.weight").values;
        QVERIFY(std::any_of(kernel.begin(), kernel.end(), [](float v) { return v != 0.0f; }));
    }

    void filterSkipsTensors() {
        std::vector<std::string> asked;
        const TensorSet set =
            readSafetensors(toPath(test::sharedWeights("vgg19-conv1_1-conv3_4.safetensors")),
                            [&](const std::string& name) {
                                asked.push_back(name);
                                return name.ends_with(".bias");
                            });
        QCOMPARE(asked.size(), size_t{16});
        QCOMPARE(set.tensors.size(), size_t{8});
        for (const auto& [name, tensor] : set.tensors) {
            QVERIFY(name.ends_with(".bias"));
        }
        QCOMPARE(set.metadata.at("architecture"), std::string("vgg19"));
    }

    void atAndTake() {
        const QString file = temporaryFile("take.safetensors");
        QVERIFY(test::writeSafetensors(file, sampleTensors()));
        TensorSet set = readSafetensors(toPath(file));
        const WeightTensor bias = set.take("features.0.bias");
        QCOMPARE(bias.values, (std::vector<float>{0.125f, -0.375f}));
        QVERIFY(!set.contains("features.0.bias"));
        const QString message = requiredErrorFrom([&] { set.at("features.0.bias"); });
        QVERIFY2(message.contains("take.safetensors") && message.contains("features.0.bias"),
                 qPrintable(message));
        QVERIFY(requiredErrorFrom([&] { set.take("missing"); }).contains("missing"));
    }

    void roundTrips_data() {
        QTest::addColumn<SafetensorsDtype>("dtype");
        QTest::newRow("F32") << SafetensorsDtype::F32;
        QTest::newRow("F16") << SafetensorsDtype::F16;
    }

    void roundTrips() {
        QFETCH(SafetensorsDtype, dtype);
        // Every sample value is exact in float16, so both dtypes must give them back exactly.
        auto tensors = sampleTensors();
        tensors["features.0.weight"].values[5] = std::ldexp(1.0f, -20);  // float16 subnormal
        const std::map<std::string, std::string> metadata = {
            {"architecture", "test"}, {"quote \"and\" \\slash", "line\nbreak\ttab é"}};
        const QString file = temporaryFile("roundtrip.safetensors");
        QVERIFY(test::writeSafetensors(file, tensors, metadata, dtype));
        const TensorSet set = readSafetensors(toPath(file));
        QCOMPARE(set.metadata, metadata);
        QCOMPARE(set.tensors.size(), tensors.size());
        for (const auto& [name, tensor] : tensors) {
            QVERIFY2(set.contains(name), name.c_str());
            QCOMPARE(set.at(name).shape, tensor.shape);
            QCOMPARE(set.at(name).values, tensor.values);
        }
        QVERIFY(std::signbit(set.at("features.0.weight").values[4]));  // -0 stays negative
    }

    void writerRoundTripsImages() {
        // As images are stored: [height, width, 3] float32, named, with metadata. Every value
        // must come back bit for bit (-0, infinity and NaN included).
        std::vector<float> pixels(5 * 7 * 3);
        for (size_t i = 0; i < pixels.size(); ++i) {
            pixels[i] = static_cast<float>(i) / 104.0f;
        }
        pixels[1] = -0.0f;
        pixels[2] = std::numeric_limits<float>::infinity();
        pixels[3] = std::numeric_limits<float>::quiet_NaN();
        pixels[4] = std::numeric_limits<float>::denorm_min();
        const std::map<std::string, WeightTensor> images = {
            {"content", {{5, 7, 3}, pixels}},
            {"style 1", {{1, 2, 3}, {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1e-7f}}},
            {"empty", {{0, 4, 3}, {}}},
        };
        const std::map<std::string, std::string> metadata = {
            {"format", "impasto-engine-images"}, {"quote \"and\" \\slash", "line\nbreak é"}};
        const QString file = temporaryFile("writer.safetensors");
        writeSafetensors(toPath(file), images, metadata);

        const TensorSet set = readSafetensors(toPath(file));
        QCOMPARE(set.metadata, metadata);
        QCOMPARE(set.tensors.size(), images.size());
        for (const auto& [name, image] : images) {
            QVERIFY2(set.contains(name), name.c_str());
            QCOMPARE(set.at(name).shape, image.shape);
            QCOMPARE(set.at(name).values.size(), image.values.size());
            QVERIFY2(std::memcmp(set.at(name).values.data(), image.values.data(),
                                 image.values.size() * sizeof(float)) == 0,
                     name.c_str());
        }

        // The bytes in memory are the file's, and the data starts 8-byte aligned.
        const std::vector<uint8_t> bytes = safetensorsBytes(images, metadata);
        QCOMPARE(bytes, readBytes(toPath(file)));
        uint64_t headerLength = 0;
        std::memcpy(&headerLength, bytes.data(), sizeof headerLength);
        QCOMPARE(headerLength % 8, uint64_t{0});
        QCOMPARE(bytes.size(), 8 + headerLength + (pixels.size() + 6) * sizeof(float));

        // Without metadata the header has no __metadata__ entry.
        const std::vector<uint8_t> plain = safetensorsBytes(images);
        QVERIFY(readSafetensors(plain, "plain").metadata.empty());
        const std::string header(plain.begin() + 8, plain.end());
        QVERIFY(header.find("__metadata__") == std::string::npos);
    }

    void writerRefusesWhatItCannotWrite() {
        QString message = requiredErrorFrom([] {
            safetensorsBytes({{"short", {{2, 2}, {1.0f, 2.0f, 3.0f}}}});
        });
        QVERIFY2(message.contains("short") && message.contains("[2,2]"), qPrintable(message));
        message = requiredErrorFrom([] { safetensorsBytes({{"__metadata__", {{1}, {1.0f}}}}); });
        QVERIFY2(message.contains("__metadata__"), qPrintable(message));
        message = requiredErrorFrom([] { safetensorsBytes({}, {{"bad", "\xff"}}); });
        QVERIFY2(message.contains("UTF-8"), qPrintable(message));
        // A folder that does not exist: the error names the file, and nothing is left behind.
        const auto file = toPath(temporaryFile("missing/out.safetensors"));
        message = requiredErrorFrom([&] { writeSafetensors(file, sampleTensors()); });
        QVERIFY2(message.contains("out.safetensors"), qPrintable(message));
        QVERIFY(!std::filesystem::exists(file.parent_path()));
    }

    void convertsOtherFloatTypes() {
        QByteArray data;
        data += littleEndian64(std::bit_cast<uint64_t>(-2.5));              // F64
        data += QByteArray::fromHex("c03f") + QByteArray::fromHex("8000");  // BF16 1.5, F16 ...
        data += QByteArray::fromHex("00fc");                                // F16 -inf
        const QByteArray header = R"({"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},)"
                                  R"("b":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]},)"
                                  R"("h":{"dtype":"F16","shape":[2],"data_offsets":[10,14]}})";
        const QString file = temporaryFile("types.safetensors");
        QVERIFY(test::writeBytes(file, test::safetensorsBytes(header, data)));
        const TensorSet set = readSafetensors(toPath(file));
        QCOMPARE(set.at("d").values, std::vector<float>{-2.5f});
        QCOMPARE(set.at("b").values, std::vector<float>{1.5f});
        QCOMPARE(set.at("h").values[0], std::ldexp(128.0f, -24));  // subnormal 0x0080
        QCOMPARE(set.at("h").values[1], -std::numeric_limits<float>::infinity());
    }

    void skippedTensorsMayHaveOtherTypes() {
        // A BatchNorm checkpoint: counters of an integer type beside the float weights.
        const QByteArray header =
            R"({"bn.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
            R"("bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[4,12]},)"
            R"("bn.scale":{"dtype":"F8_E4M3","shape":[3],"data_offsets":[12,15]}})";
        QByteArray data = littleEndian64(std::bit_cast<uint32_t>(0.5f)).left(4);
        data += littleEndian64(7) + QByteArray(3, '\0');
        const QString file = temporaryFile("batchnorm.safetensors");
        QVERIFY(test::writeBytes(file, test::safetensorsBytes(header, data)));
        const auto weightsOnly = [](const std::string& name) { return name == "bn.weight"; };
        const TensorSet set = readSafetensors(toPath(file), weightsOnly);
        QCOMPARE(set.tensors.size(), size_t{1});
        QCOMPARE(set.at("bn.weight").values, std::vector<float>{0.5f});
        // Asked for, the counter is still refused.
        QVERIFY(requiredErrorFrom([&] {
                    readSafetensors(toPath(file));
                }).contains("tensor bn.num_batches_tracked has dtype I64"));

        // A skipped tensor's byte range must still lie within the data.
        const QByteArray outside =
            R"({"bn.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
            R"("bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[4,20]}})";
        QVERIFY(test::writeBytes(file, test::safetensorsBytes(outside, data)));
        const QString message =
            requiredErrorFrom([&] { readSafetensors(toPath(file), weightsOnly); });
        QVERIFY2(message.contains("bn.num_batches_tracked has data_offsets [4,20] past the end"),
                 qPrintable(message));
    }

    void readsUnicodeAndTensorsInAnyOrder() {
        // Overlapping data_offsets are refused (rejectsCorruptFiles); the order of the header's
        // entries need not be the order of the data.
        const QByteArray header = R"({"__metadata__":{"n\u00e9e\ud83d\ude00":"\/"},)"
                                  R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},)"
                                  R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   )";
        QByteArray data;
        data += littleEndian64(std::bit_cast<uint64_t>(std::array<float, 2>{1.0f, 2.0f}));
        data += littleEndian64(std::bit_cast<uint64_t>(std::array<float, 2>{3.0f, 0.0f})).left(4);
        const QString file = temporaryFile("unicode.safetensors");
        QVERIFY(test::writeBytes(file, test::safetensorsBytes(header, data)));
        const TensorSet set = readSafetensors(toPath(file));
        QCOMPARE(set.at("a").values, (std::vector<float>{1.0f, 2.0f}));
        QCOMPARE(set.at("b").values, std::vector<float>{3.0f});
        QCOMPARE(set.metadata.at("n\u00e9e\U0001F600"), std::string("/"));
    }

    void dispatchesOnContent() {
        // A safetensors file under a caffemodel name is still read as safetensors.
        const QString file = temporaryFile("renamed.caffemodel");
        QVERIFY(test::writeSafetensors(file, sampleTensors(), {{"k", "v"}}));
        const TensorSet set = readWeightFile(toPath(file));
        QCOMPARE(set.tensors.size(), size_t{4});
        QCOMPARE(set.metadata.at("k"), std::string("v"));
        // Cut short and renamed, it is still recognised, so the error says what is wrong.
        const QString cut = temporaryFile("cut.bin");
        QVERIFY(test::writeBytes(cut, test::safetensorsBytes(sampleTensors()).left(20)));
        const QString message = requiredErrorFrom([&] { readWeightFile(toPath(cut)); });
        QVERIFY2(message.contains("cut.bin: header length"), qPrintable(message));
    }

    void rejectsValuesThatAreNotFinite_data() {
        QTest::addColumn<float>("value");
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN();
        QTest::newRow("infinity") << -std::numeric_limits<float>::infinity();
    }
    void rejectsValuesThatAreNotFinite() {
        // Read as they are, they surfaced only as a diverged run "lower the learning rate".
        QFETCH(float, value);
        const QString file = temporaryFile("damaged.safetensors");
        const std::map<std::string, WeightTensor> tensors = {
            {"features.0.weight", {{2, 2}, {0.5f, value, 1.0f, value}}},
            {"features.0.bias", {{2}, {0.0f, 0.0f}}}};
        QVERIFY(test::writeBytes(file, test::safetensorsBytes(tensors, {}, SafetensorsDtype::F16)));
        const QString message = requiredErrorFrom([&] { readWeightFile(toPath(file)); });
        QCOMPARE(message, QString("damaged.safetensors: tensor features.0.weight holds 2 of 4 "
                                  "values that are not finite numbers (NaN or infinity); the file "
                                  "is damaged"));
    }

    void boundsWhatTheHeaderCosts() {
        // Within the 100 MB header limit, millions of values (or one huge string) would cost
        // gigabytes once parsed, and minutes: refused while parsing.
        QByteArray shape;
        for (int i = 0; i < 250'000; ++i) {
            shape += i == 0 ? "0" : ",0";
        }
        const QString many = temporaryFile("many-values.safetensors");
        QVERIFY(test::writeBytes(
            many,
            test::safetensorsBytes(
                R"({"a":{"dtype":"F32","shape":[)" + shape + R"(],"data_offsets":[0,0]}})", {})));
        QString message = requiredErrorFrom([&] { readWeightFile(toPath(many)); });
        QVERIFY2(message.contains("holds more than 200000 values"), qPrintable(message));

        const QString longText = temporaryFile("long-string.safetensors");
        QVERIFY(test::writeBytes(
            longText,
            test::safetensorsBytes(
                R"({"__metadata__":{"note":")" + QByteArray(2 << 20, 'x') + R"("}})", {})));
        message = requiredErrorFrom([&] { readWeightFile(toPath(longText)); });
        QVERIFY2(message.contains("holds a string longer than 1048576 bytes"), qPrintable(message));
    }

    void rejectsMissingFile() {
        const auto file = toPath(temporaryFile("absent.safetensors"));
        const auto folder = toPath(dir_.path());
        QVERIFY(requiredErrorFrom([&] { readSafetensors(file); }).contains("absent.safetensors"));
        QVERIFY(requiredErrorFrom([&] { readWeightFile(file); }).contains("absent.safetensors"));
        QVERIFY(requiredErrorFrom([&] { readWeightFile(folder); }).contains("regular file"));
    }

    void rejectsEveryTruncation() {
        const QByteArray whole = test::safetensorsBytes(sampleTensors(), {{"a", "b"}});
        const QString file = temporaryFile("cut.safetensors");
        for (qsizetype size = 0; size < whole.size(); ++size) {
            QVERIFY(test::writeBytes(file, whole.left(size)));
            const QString message = requiredErrorFrom([&] { readWeightFile(toPath(file)); });
            QVERIFY2(message.contains("cut.safetensors"),
                     qPrintable(QString::number(size) + ": " + message));
        }
    }

    void rejectsCorruptFiles_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const auto tensor = [](const char* dtype, const char* shape, const char* offsets) {
            // Plain literals: moc misreads raw strings holding an odd number of quotes.
            return QByteArray("{\"t\":{\"dtype\":\"") + dtype + "\",\"shape\":" + shape +
                   ",\"data_offsets\":" + offsets + "}}";
        };
        const QByteArray sixteen(16, '\0');
        const QByteArray whole = test::safetensorsBytes(sampleTensors());
        const qsizetype headerSize = whole.indexOf("}}") + 2 - 8;

        QTest::newRow("empty") << QByteArray() << "too short";
        QTest::newRow("length cut") << whole.left(5) << "too short";
        QTest::newRow("header cut") << whole.left(8 + headerSize / 2) << "runs past the end";
        QTest::newRow("data cut") << whole.left(whole.size() - 3) << "past the end of the data";
        QTest::newRow("length overflow") << littleEndian64(0xFFFFFFFFFFFFFFFF) + "{}"
                                         << "runs past the end";
        QTest::newRow("length past end") << littleEndian64(3) + "{}"
                                         << "runs past the end";
        QTest::newRow("offsets past end")
            << test::safetensorsBytes(tensor("F32", "[100]", "[0,400]"), sixteen)
            << "past the end of the data";
        QTest::newRow("offsets reversed")
            << test::safetensorsBytes(tensor("F32", "[1]", "[8,4]"), sixteen)
            << "end before they begin";
        QTest::newRow("byte count")
            << test::safetensorsBytes(tensor("F32", "[2,2]", "[0,12]"), sixteen)
            << "has 12 bytes but shape [2,2] of F32 needs 16";
        QTest::newRow("shape overflow")
            << test::safetensorsBytes(tensor("F32", "[4294967296,4294967296,16]", "[0,16]"),
                                      sixteen)
            << "too large";
        QTest::newRow("negative dim")
            << test::safetensorsBytes(tensor("F32", "[-4]", "[0,16]"), sixteen) << "non-negative";
        QTest::newRow("integer dtype")
            << test::safetensorsBytes(tensor("I64", "[2]", "[0,16]"), sixteen)
            << "tensor t has dtype I64; weights must be floating point";
        QTest::newRow("unknown dtype")
            << test::safetensorsBytes(tensor("F8_E4M3", "[2]", "[0,2]"), sixteen)
            << "unsupported dtype F8_E4M3";
        QTest::newRow("overlapping offsets")
            << test::safetensorsBytes(
                   "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                   "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
                   sixteen)
            << "tensors a and b have overlapping data_offsets";
        QTest::newRow("three offsets")
            << test::safetensorsBytes(tensor("F32", "[1]", "[0,4,8]"), sixteen) << "pair";
        QTest::newRow("missing shape")
            << test::safetensorsBytes(R"({"t":{"dtype":"F32","data_offsets":[0,4]}})", sixteen)
            << "lacks";
        QTest::newRow("entry not object")
            << test::safetensorsBytes(R"({"t":[1,2]})", sixteen) << "not an object";
        QTest::newRow("top not object")
            << test::safetensorsBytes("[]", sixteen) << "not a JSON object";
        QTest::newRow("metadata number")
            << test::safetensorsBytes(R"({"__metadata__":{"a":1}})", sixteen) << "not a string";
        QTest::newRow("float") << test::safetensorsBytes(tensor("F32", "[1.0]", "[0,4]"), sixteen)
                               << "not valid JSON";
        const std::vector<std::pair<const char*, QByteArray>> malformed = {
            {"trailing comma", R"({"a":"b",})"},
            {"unterminated", "{\"a\":\"b"},
            {"missing colon", R"({"a" "b"})"},
            {"bare word", R"({"a":true})"},
            {"bad escape", R"({"a":"\q"})"},
            {"lone surrogate", R"({"a":"\udc00"})"},
            {"raw newline", "{\"a\":\"x\ny\"}"},
            {"duplicate key", R"({"a":"b","a":"c"})"},
            {"leading zero", R"({"a":[01]})"},
            {"huge integer", R"({"a":[99999999999999999999]})"},
            {"text after", R"({} {})"},
            {"deep nesting", QByteArray(200, '[') + QByteArray(200, ']')},
            {"not json", "hello"},
        };
        for (const auto& [row, header] : malformed) {
            QTest::newRow(row) << test::safetensorsBytes(header, sixteen) << "not valid JSON";
        }
        std::mt19937 random(7);
        QByteArray noise(4096, '\0');
        for (char& byte : noise) {
            byte = static_cast<char>(random());
        }
        QTest::newRow("random bytes") << noise << "runs past the end";
        QTest::newRow("text") << QByteArray("just some text, not weights\n") << "runs past the end";
    }

    void rejectsCorruptFiles() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        test::expectRejected(temporaryFile("corrupt.safetensors"), bytes, expected,
                             [](const std::filesystem::path& file) { readSafetensors(file); });
    }
};

QTEST_APPLESS_MAIN(SafetensorsReaderTest)
#include "test_safetensors_reader.moc"

#include <QTest>

#include <clocale>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Text.h"

using impasto::join;
using impasto::parseNumber;

class TestText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void joinsWithSeparator() {
        QCOMPARE(join({}, ", "), std::string());
        QCOMPARE(join({"one"}, ", "), std::string("one"));
        QCOMPARE(join({"a", "b", "c"}, ", "), std::string("a, b, c"));
        QCOMPARE(join({"", "x", ""}, "/"), std::string("/x/"));
    }

    void parsesWholeFiniteNumbers() {
        QCOMPARE(parseNumber("0.5"), std::optional(0.5));
        QCOMPARE(parseNumber("-3"), std::optional(-3.0));
        QCOMPARE(parseNumber("+2"), std::optional(2.0));
        QCOMPARE(parseNumber("1e-3"), std::optional(1e-3));
        QCOMPARE(parseNumber(".25"), std::optional(0.25));
        for (const char* bad : {"", "+", "-", "+-1", "++1", " 1", "1 ", "1.5x", "0,5", "1e999",
                                "inf", "-inf", "nan", "0x10", "1e"}) {
            QVERIFY2(!parseNumber(bad), bad);
        }
    }

    void ignoresTheLocale() {
        // Qt sets the locale from the environment; a German one has a decimal comma.
        const std::string previous = std::setlocale(LC_NUMERIC, nullptr);
        if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") == nullptr) {
            QSKIP("No German locale installed");
        }
        const std::optional<double> dot = parseNumber("2.5");
        const std::optional<double> comma = parseNumber("2,5");
        std::setlocale(LC_NUMERIC, previous.c_str());
        QCOMPARE(dot, std::optional(2.5));
        QVERIFY(!comma);
    }
};

QTEST_APPLESS_MAIN(TestText)
#include "test_text.moc"

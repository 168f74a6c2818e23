#include "support/WeightFileChecks.h"

#include <QFileInfo>
#include <QTest>

#include "core/weights/WeightFile.h"
#include "support/TestFiles.h"

namespace impasto::test {

void expectRejected(const QString& file, const QByteArray& bytes, const QString& expected,
                    const std::function<void(const std::filesystem::path&)>& read) {
    const QString name = QFileInfo(file).fileName();
    QVERIFY(writeBytes(file, bytes));
    const QString message = requiredErrorFrom([&] { read(toPath(file)); });
    QVERIFY2(message.contains(name) && message.contains(expected), qPrintable(message));
    const QString dispatched = requiredErrorFrom([&] { readWeightFile(toPath(file)); });
    QVERIFY2(dispatched.contains(name), qPrintable(dispatched));
}

}  // namespace impasto::test

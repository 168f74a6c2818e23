#pragma once

#include <QByteArray>
#include <QString>

#include <filesystem>
#include <functional>

namespace impasto::test {

// Writes `bytes` as `file` and checks that `read` rejects it with a message naming the file and
// containing `expected`, and that readWeightFile rejects it too. Records a test failure (with
// QVERIFY) when it does not.
void expectRejected(const QString& file, const QByteArray& bytes, const QString& expected,
                    const std::function<void(const std::filesystem::path&)>& read);

}  // namespace impasto::test

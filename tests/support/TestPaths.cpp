#include "support/TestPaths.h"

#include <QDir>

namespace impasto::test {

QString sharedDir() {
    return QDir::cleanPath(QStringLiteral(IMPASTO_SHARED_DIR));
}
QString sharedImage(const QString& fileName) {
    return sharedDir() + "/images/" + fileName;
}
QString sharedWeights(const QString& fileName) {
    return sharedDir() + "/weights/" + fileName;
}
QString sourceDir() {
    return QStringLiteral(IMPASTO_SOURCE_DIR);
}
QString binaryDir() {
    return QStringLiteral(IMPASTO_BINARY_DIR);
}

}  // namespace impasto::test

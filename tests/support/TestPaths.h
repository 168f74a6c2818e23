#pragma once

#include <QString>

namespace impasto::test {

// ../shared/ beside the repository: real images and real pretrained weights.
QString sharedDir();
QString sharedImage(const QString& fileName);
QString sharedWeights(const QString& fileName);
// The repository's source and build folders (the CLI test runs the built binary).
QString sourceDir();
QString binaryDir();

}  // namespace impasto::test

#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace impasto::test {

using Bytes = std::vector<uint8_t>;

// Whole-file reads and writes. The QString/QByteArray writer reports failure so that a test can
// QVERIFY it; the std::filesystem ones are for suites that work in raw bytes.
bool writeBytes(const QString& file, const QByteArray& bytes);
void writeBytes(const std::filesystem::path& file, std::span<const uint8_t> bytes);
Bytes readBytes(const std::filesystem::path& file);

std::filesystem::path toPath(const QString& file);

// `exported` (a PNG with embedded masks) copied to `damaged` with one bit of its first mask
// chunk's data flipped, so that the chunk fails its checksum. False when there is no mask chunk
// or a file cannot be read or written.
bool copyWithDamagedMaskChunk(const QString& exported, const QString& damaged);

// Names of the entries in `folder`, sorted, hidden (temporary) ones included.
std::vector<std::string> filesIn(const std::filesystem::path& folder);

// The message of the impasto::Error that `action` throws; empty when it throws none.
QString errorFrom(const std::function<void()>& action);
// The same, for checks that expect a throw: a note saying that none came when it throws none,
// so that a failing check shows why.
QString requiredErrorFrom(const std::function<void()>& action);

}  // namespace impasto::test

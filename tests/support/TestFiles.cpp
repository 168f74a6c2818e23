#include "support/TestFiles.h"

#include <QFile>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>

#include "core/common/Error.h"

namespace impasto::test {

namespace {

std::optional<QString> thrownError(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return QString::fromStdString(error.what());
    }
    return std::nullopt;
}

}  // namespace

bool writeBytes(const QString& file, const QByteArray& bytes) {
    QFile out(file);
    return out.open(QIODevice::WriteOnly | QIODevice::Truncate) && out.write(bytes) == bytes.size();
}

bool copyWithDamagedMaskChunk(const QString& exported, const QString& damaged) {
    QFile in(exported);
    if (!in.open(QIODevice::ReadOnly)) {
        return false;
    }
    QByteArray bytes = in.readAll();
    const qsizetype chunk = bytes.indexOf("maSk");
    if (chunk < 0 || chunk + 8 >= bytes.size()) {
        return false;
    }
    bytes[chunk + 8] = char(bytes[chunk + 8] ^ 0x01);
    return writeBytes(damaged, bytes);
}

void writeBytes(const std::filesystem::path& file, std::span<const uint8_t> bytes) {
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

Bytes readBytes(const std::filesystem::path& file) {
    std::ifstream stream(file, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(stream), {});
}

std::filesystem::path toPath(const QString& file) {
    return file.toStdString();
}

std::vector<std::string> filesIn(const std::filesystem::path& folder) {
    std::vector<std::string> names;
    for (const std::filesystem::directory_entry& entry :
         std::filesystem::directory_iterator(folder)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

QString errorFrom(const std::function<void()>& action) {
    return thrownError(action).value_or(QString());
}

QString requiredErrorFrom(const std::function<void()>& action) {
    return thrownError(action).value_or(QStringLiteral("<no impasto::Error thrown>"));
}

}  // namespace impasto::test

#include "core/registry/ModelDownloader.h"

#include <unistd.h>

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/registry/ModelFolders.h"

namespace impasto {

namespace {

constexpr std::chrono::milliseconds pollInterval{100};
// Bounds what Qt buffers between reads, so that a slow disk never lets the file pile up in memory.
constexpr qint64 readBufferBytes = 1 << 20;

std::string describe(std::chrono::milliseconds duration) {
    return duration.count() % 1000 == 0 ? std::to_string(duration.count() / 1000) + " s"
                                        : std::to_string(duration.count()) + " ms";
}

// A Content-Range header, "bytes 100-199/1000" ({100, 1000}); total is 0 for "bytes 100-199/*".
struct ContentRange {
    int64_t first = 0;
    int64_t total = 0;
};

std::optional<ContentRange> parseContentRange(const QByteArray& header) {
    static const QRegularExpression pattern(QStringLiteral(R"(^bytes (\d+)-\d+/(\d+|\*)$)"));
    const QRegularExpressionMatch match = pattern.match(QString::fromLatin1(header.trimmed()));
    if (!match.hasMatch()) {
        return std::nullopt;
    }
    return ContentRange{match.captured(1).toLongLong(), match.captured(2).toLongLong()};
}

// One HTTP GET of a model into its .part file, continuing what an earlier attempt left there.
class Transfer {
public:
    Transfer(const RegisteredModel& model, const QUrl& url, const std::filesystem::path& part,
             const DownloadOptions& options)
        : model_(model), url_(url), part_(part), options_(options) {}

    // Returns false when the server cannot continue the partial file, which is then to be
    // removed and the download started afresh. Throws impasto::Error on failure, keeping the
    // partial file for the next attempt.
    bool run();

private:
    // Decides from the response status whether the body goes to the file (opening it); error
    // pages do not.
    bool accept();
    void receive();
    void poll();
    // Runs a step inside the event loop. An exception cannot pass through Qt's loop, so it is
    // kept, the request aborted (which ends the loop), and it is rethrown after the loop.
    template <typename Step>
    void guard(Step step);
    std::string writeError() const;

    const RegisteredModel& model_;
    const QUrl url_;
    const std::filesystem::path part_;
    const DownloadOptions& options_;
    QFile file_;
    QNetworkReply* reply_ = nullptr;
    int64_t resumedFrom_ = 0;
    int64_t received_ = 0;
    int64_t total_ = 0;  // from the response headers; 0 when the server does not say
    bool accepted_ = false;
    bool rangeRefused_ = false;
    QElapsedTimer sinceData_;
    std::exception_ptr failure_;
};

template <typename Step>
void Transfer::guard(Step step) {
    if (failure_) {
        return;
    }
    try {
        step();
    } catch (...) {
        failure_ = std::current_exception();
        reply_->abort();
    }
}

std::string Transfer::writeError() const {
    return "Cannot write " + part_.string() + ": " + file_.errorString().toStdString();
}

bool Transfer::run() {
    std::error_code error;
    const auto existing = std::filesystem::file_size(part_, error);
    resumedFrom_ = received_ = error ? 0 : static_cast<int64_t>(existing);

    QNetworkRequest request(url_);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    // Byte ranges must count bytes of the file itself, not of a compressed rendition of it.
    request.setRawHeader("Accept-Encoding", "identity");
    if (resumedFrom_ > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(resumedFrom_) + "-");
    }

    QNetworkAccessManager network;
    QEventLoop loop;
    QTimer ticker;
    reply_ = network.get(request);
    reply_->setReadBufferSize(readBufferBytes);
    QObject::connect(reply_, &QNetworkReply::readyRead, &loop,
                     [this] { guard([this] { receive(); }); });
    QObject::connect(reply_, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&ticker, &QTimer::timeout, &loop, [this] { guard([this] { poll(); }); });
    sinceData_.start();
    ticker.start(pollInterval);
    if (!reply_->isFinished()) {
        loop.exec();
    }
    ticker.stop();
    if (reply_->error() == QNetworkReply::NoError) {
        guard([this] { receive(); });  // what arrived with the end of the response
    }

    if (file_.isOpen()) {
        // Synced so that the .part holds what was reported as received, even after a crash.
        const bool written = file_.flush() && ::fsync(file_.handle()) == 0;
        const std::string reason = writeError();
        file_.close();
        if (!written && !failure_) {
            throw Error(reason);
        }
    }
    if (failure_) {
        std::rethrow_exception(failure_);
    }

    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (rangeRefused_ || (status == 416 && resumedFrom_ > 0)) {
        return false;
    }
    const std::string source = model_.title + " from " + reply_->url().toString().toStdString();
    if (reply_->error() != QNetworkReply::NoError) {
        if (status >= 400) {
            const QString reason =
                reply_->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
            throw Error("Cannot download " + source + ": HTTP " + std::to_string(status) + " " +
                        reason.toStdString());
        }
        throw Error("Download of " + source + " failed: " + reply_->errorString().toStdString() +
                    (received_ > 0 ? "; run it again to resume" : ""));
    }
    if (!accepted_) {
        throw Error("Cannot download " + source + ": unexpected HTTP status " +
                    std::to_string(status));
    }
    if (total_ > 0 && received_ < total_) {
        throw Error("Download of " + source + " stopped after " + std::to_string(received_) +
                    " of " + std::to_string(total_) + " bytes; run it again to resume");
    }
    return true;
}

bool Transfer::accept() {
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QIODevice::OpenMode mode = QIODevice::WriteOnly;
    if (status == 206) {
        const std::optional<ContentRange> range =
            parseContentRange(reply_->rawHeader("Content-Range"));
        if (!range || range->first != resumedFrom_) {
            // Not the continuation of the partial file: appending would corrupt it.
            rangeRefused_ = true;
            reply_->abort();
            return false;
        }
        total_ = range->total;
        mode |= QIODevice::Append;
    } else if (status == 200) {
        // The whole file, whether or not a range was asked for: start over.
        received_ = 0;
        total_ = reply_->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        mode |= QIODevice::Truncate;
    } else {
        return false;  // run() reports the status once the response has finished
    }
    file_.setFileName(part_);
    if (!file_.open(mode)) {
        throw Error(writeError());
    }
    accepted_ = true;
    return true;
}

void Transfer::receive() {
    const QByteArray data = reply_->readAll();
    if (!data.isEmpty()) {
        sinceData_.restart();
    }
    if (!accepted_ && !accept()) {
        return;
    }
    if (data.isEmpty()) {
        return;
    }
    if (file_.write(data) != data.size()) {
        throw Error(writeError());
    }
    received_ += data.size();
    if (options_.progress) {
        options_.progress(received_, total_ > 0 ? total_ : model_.sizeBytes);
    }
}

void Transfer::poll() {
    if (options_.cancelled && options_.cancelled()) {
        throw Error("Download cancelled");
    }
    if (sinceData_.elapsed() >= options_.stallTimeout.count()) {
        throw Error("Download of " + model_.title + " from " + url_.toString().toStdString() +
                    " stalled: no data for " + describe(options_.stallTimeout) +
                    "; run it again to resume");
    }
}

std::string sha256Of(const std::filesystem::path& file) {
    QFile input(file);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!input.open(QIODevice::ReadOnly) || !hash.addData(&input)) {
        throw Error("Cannot read " + file.string() + ": " + input.errorString().toStdString());
    }
    return hash.result().toHex().toStdString();
}

// The SHA-256 recorded at an earlier download; empty when there is none (or it is unreadable).
std::string recordedSha256(const std::filesystem::path& installed) {
    QFile record(recordedChecksumFile(installed));
    if (!record.open(QIODevice::ReadOnly)) {
        return {};
    }
    const std::string digest = record.read(64).toStdString();
    const bool valid = digest.size() == 64 && std::all_of(digest.begin(), digest.end(), [](char c) {
                           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                       });
    return valid ? digest : std::string();
}

// The checksum a download must have: the manifest's, else the one recorded at the first.
std::string expectedSha256(const RegisteredModel& model, const std::filesystem::path& installed) {
    return model.sha256.empty() ? recordedSha256(installed) : model.sha256;
}

// In sha256sum's format, so that `sha256sum -c` checks it too.
void recordSha256(const std::filesystem::path& installed, const std::string& sha256,
                  const std::string& fileName) {
    const std::string line = sha256 + "  " + fileName + "\n";
    writeFileAtomically(recordedChecksumFile(installed),
                        std::span(reinterpret_cast<const uint8_t*>(line.data()), line.size()));
}

void tell(const DownloadOptions& options, const std::string& sentence) {
    if (options.notice) {
        options.notice(sentence);
    }
}

// Checks the complete download against the manifest and the caller. A file that fails is
// deleted: resuming it could only repeat the failure.
void verify(const RegisteredModel& model, const std::filesystem::path& part,
            const std::string& expected, const DownloadOptions& options) {
    try {
        if (model.sizeBytes > 0) {
            std::error_code error;
            const auto size = std::filesystem::file_size(part, error);
            if (error) {
                throw Error("Cannot read " + part.string() + ": " + error.message());
            }
            if (static_cast<int64_t>(size) != model.sizeBytes) {
                throw Error("Downloaded " + model.title + " is " + std::to_string(size) +
                            " bytes instead of " + std::to_string(model.sizeBytes) +
                            "; the download was discarded");
            }
        }
        if (!expected.empty()) {
            const std::string sha256 = sha256Of(part);
            if (sha256 != expected) {
                throw Error(
                    "Downloaded " + model.title + " has SHA-256 " + sha256 + " instead of " +
                    expected + "; the download was discarded" +
                    (model.sha256.empty()
                         ? " (the checksum was recorded at the first "
                           "download; if the server's file has changed, "
                           "delete " +
                               recordedChecksumFile(part.parent_path() / model.fileName).string() +
                               " and download again)"
                         : ""));
            }
        }
        if (options.validate) {
            options.validate(part);
        }
    } catch (...) {
        std::error_code error;
        std::filesystem::remove(part, error);
        throw;
    }
}

// Whether the model installed at `installed` is whole: its checksum (the manifest's or the
// recorded one), else its size and `validate`, after which its checksum is recorded. Says
// what it found.
bool installedCopyIsWhole(const RegisteredModel& model, const std::filesystem::path& installed,
                          const DownloadOptions& options) {
    const std::string expected = expectedSha256(model, installed);
    const std::string actual = sha256Of(installed);
    if (!expected.empty()) {
        if (actual == expected) {
            tell(options, model.name + " is installed at " + installed.string() +
                              " and its SHA-256 checks out: nothing to download");
            return true;
        }
        tell(options, installed.string() + " is damaged (SHA-256 " + actual + " instead of " +
                          expected + "): downloading it again");
        return false;
    }
    // Installed before checksums were recorded: judged by what else is known.
    try {
        std::error_code error;
        const auto size = std::filesystem::file_size(installed, error);
        if (error || (model.sizeBytes > 0 && static_cast<int64_t>(size) != model.sizeBytes)) {
            throw Error("it is " + std::to_string(size) + " bytes, not " +
                        std::to_string(model.sizeBytes));
        }
        if (options.validate) {
            options.validate(installed);
        }
    } catch (const Error& error) {
        tell(options,
             installed.string() + " is damaged (" + error.what() + "): downloading it again");
        return false;
    }
    recordSha256(installed, actual, model.fileName);
    tell(options, model.name + " is installed at " + installed.string() +
                      "; its SHA-256 is now recorded, and later downloads are checked against it");
    return true;
}

}  // namespace

std::filesystem::path recordedChecksumFile(const std::filesystem::path& installed) {
    std::filesystem::path record = installed;
    record += ".sha256";
    return record;
}

std::filesystem::path downloadModel(const RegisteredModel& model, const DownloadOptions& options) {
    const std::filesystem::path folder =
        options.destination.empty() ? userModelsFolder() : options.destination;
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) {
        throw Error("Cannot create the model folder " + folder.string() + ": " + error.message());
    }
    const std::string address = options.url.empty() ? model.url : options.url;
    const QUrl url(QString::fromStdString(address), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != "http" && url.scheme() != "https")) {
        throw Error("Cannot download " + model.title + ": \"" + address +
                    "\" is not an http or https URL");
    }

    const std::filesystem::path target = folder / model.fileName;
    if (std::filesystem::is_regular_file(target, error) &&
        installedCopyIsWhole(model, target, options)) {
        return target;
    }

    const std::filesystem::path part = folder / (model.fileName + ".part");
    if (!Transfer(model, url, part, options).run()) {
        std::filesystem::remove(part, error);
        if (!Transfer(model, url, part, options).run()) {
            throw Error("Cannot download " + model.title + " from " + address +
                        ": the server answers with a part of the file nobody asked for");
        }
    }
    const std::string expected = expectedSha256(model, target);
    verify(model, part, expected, options);

    std::filesystem::rename(part, target, error);
    if (error) {
        throw Error("Cannot install " + target.string() + ": " + error.message());
    }
    if (expected.empty()) {
        const std::string sha256 = sha256Of(target);
        recordSha256(target, sha256, model.fileName);
        tell(options, "The manifest gives no SHA-256 for " + model.name + ": recorded " + sha256 +
                          " in " + recordedChecksumFile(target).string() +
                          ", and later downloads are checked against it");
    }
    return target;
}

}  // namespace impasto

#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/registry/RegisteredModel.h"

namespace impasto {

// How downloadModel() runs. Callbacks are called on the calling thread.
struct DownloadOptions {
    // Folder the model is installed into; empty means userModelsFolder().
    std::filesystem::path destination;
    // Bytes of the whole file so far (resumed bytes included) and its size, 0 while unknown.
    std::function<void(int64_t received, int64_t total)> progress;
    // Polled about every 100 ms; returning true stops the download, keeping what has arrived
    // so that the next attempt resumes.
    std::function<bool()> cancelled;
    // Inspects the complete file before it is installed; throws to reject it.
    std::function<void(const std::filesystem::path& file)> validate;
    // Told, in a sentence, what was found or done beside the transfer: an installed copy
    // checked and kept, a damaged one fetched again, a checksum recorded.
    std::function<void(const std::string& sentence)> notice;
    // Fetches from here instead of the manifest's URL (tests, mirrors).
    std::string url;
    // A transfer that receives nothing for this long fails; the next attempt resumes it.
    std::chrono::milliseconds stallTimeout{std::chrono::seconds(60)};
};

// Downloads `model` into <destination>/<fileName> and returns that path. Blocks, running a
// local event loop, so it works from a command-line main, a worker thread or a test; a
// QCoreApplication must exist, as QNetworkAccessManager needs one.
//
// Data streams into <fileName>.part, which a later call resumes with an HTTP Range request.
// The complete file is checked against the manifest's size and SHA-256 (when known), then
// `validate`, and only then renamed into place; a file that fails a check is deleted. Throws
// impasto::Error on failure ("Download cancelled" when cancelled).
//
// A manifest entry without a SHA-256 has the one of its first download recorded beside the
// file, <fileName>.sha256 (in sha256sum's format), and later downloads are checked against it.
// A model already installed there is checked the same way (else by size and `validate`) and
// kept without downloading; a damaged one is downloaded again.
std::filesystem::path downloadModel(const RegisteredModel& model,
                                    const DownloadOptions& options = {});

// Where downloadModel() records the SHA-256 of `installed`, a model file whose manifest entry
// has none.
std::filesystem::path recordedChecksumFile(const std::filesystem::path& installed);

}  // namespace impasto

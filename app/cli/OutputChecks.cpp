#include "app/cli/OutputChecks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "app/cli/StylizeRun.h"
#include "core/common/Error.h"

namespace impasto::cli {

namespace {

struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const FileIdentity&) const = default;
};

// The file a path leads to (symbolic links followed); nullopt when there is none yet.
std::optional<FileIdentity> identityOf(const std::filesystem::path& file) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) {
        return std::nullopt;
    }
    return FileIdentity{info.st_dev, info.st_ino};
}

struct Input {
    std::string description;  // "the content image tubingen.jpg"
    FileIdentity identity;
};

std::vector<Input> existingInputs(const CliOptions& options) {
    std::vector<Input> inputs;
    auto add = [&](const std::string& what, const std::string& file) {
        if (const std::optional<FileIdentity> identity = identityOf(file)) {
            inputs.push_back({what + " " + file, *identity});
        }
    };
    if (options.contentFile) {
        add("the content image", *options.contentFile);
    }
    for (size_t i = 0; i < options.styleFiles.size(); ++i) {
        add("style image " + std::to_string(i + 1), options.styleFiles[i]);
    }
    if (options.initFile) {
        add("the starting image", *options.initFile);
    }
    add("the model file", options.model);
    if (options.command == CliOptions::Command::FastStyle) {
        add("the fast style", options.fast.styleFile);
    }
    if (options.command == CliOptions::Command::TrainStyle) {
        for (const std::filesystem::path& photo : batchPhotos({options.fast.photosFolder})) {
            add("the training photo", photo.string());
        }
    }
    return inputs;
}

void refuseOver(const std::vector<Input>& inputs, const std::filesystem::path& output,
                const std::string& flag) {
    const std::optional<FileIdentity> identity = identityOf(output);
    for (const Input& input : inputs) {
        if (identity == input.identity) {
            throw Error(flag + " " + output.string() + " would overwrite " + input.description +
                        ": choose another output name");
        }
    }
}

// The iteration N of an intermediate image's name, "<stem>_N<extension>" as StylizeCommand
// writes it.
std::optional<int> intermediateIteration(const std::string& name, const std::string& stem,
                                         const std::string& suffix) {
    const std::string prefix = stem + "_";
    if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
        !name.ends_with(suffix)) {
        return std::nullopt;
    }
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size() - suffix.size();
    int iteration = 0;
    const auto [stop, error] = std::from_chars(first, last, iteration);
    if (error != std::errc() || stop != last || *first == '0' || *first == '-') {
        return std::nullopt;
    }
    return iteration;
}

// The intermediate images --save-every will write: the iterations it names, except the last,
// which is the result. Only existing files can be inputs, so the folder's names are searched.
void refuseIntermediatesOver(const std::vector<Input>& inputs, const CliOptions& options) {
    const std::filesystem::path output = options.outputFile;
    const std::filesystem::path folder =
        output.has_parent_path() ? output.parent_path() : std::filesystem::path(".");
    const std::string stem = output.stem().string();
    std::error_code error;
    for (auto entry = std::filesystem::directory_iterator(folder, error);
         !error && entry != std::filesystem::directory_iterator(); entry.increment(error)) {
        const std::optional<int> iteration = intermediateIteration(
            entry->path().filename().string(), stem, output.extension().string());
        if (iteration && *iteration % options.saveEvery == 0 && *iteration < options.iterations) {
            refuseOver(inputs, entry->path(), "--save-every's image");
        }
    }
}

void requireWritable(const std::filesystem::path& file, const std::string& flag) {
    const std::string name = file.filename().string();
    if (name.size() > NAME_MAX) {
        throw Error("Cannot write " + file.string() + ": its name is " +
                    std::to_string(name.size()) + " bytes long; the limit is " +
                    std::to_string(NAME_MAX));
    }
    std::error_code error;
    if (std::filesystem::is_directory(file, error)) {
        throw Error(flag + " " + file.string() + " is a folder: name a file");
    }
    const std::filesystem::path folder = std::filesystem::absolute(file, error).parent_path();
    if (!std::filesystem::is_directory(folder, error)) {
        throw Error("Cannot write " + file.string() + ": the folder " + folder.string() +
                    " does not exist");
    }
    std::string probe = (folder / ".impasto-write-check-XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
        throw Error("Cannot write " + file.string() + ": " + std::strerror(errno));
    }
    ::close(fd);
    ::unlink(probe.c_str());
}

}  // namespace

void checkOutputs(const CliOptions& options) {
    requireWritable(options.outputFile, "--output");
    if (options.reportFile) {
        requireWritable(*options.reportFile, "--report");
    }
    const std::vector<Input> inputs = existingInputs(options);
    refuseOver(inputs, options.outputFile, "--output");
    if (options.reportFile) {
        refuseOver(inputs, *options.reportFile, "--report");
    }
    if (options.saveEvery > 0) {
        refuseIntermediatesOver(inputs, options);
    }
}

void checkOutput(const CliOptions& options, const std::filesystem::path& output,
                 const std::string& flag) {
    requireWritable(output, flag);
    refuseOver(existingInputs(options), output, flag);
}

}  // namespace impasto::cli

#include <QCoreApplication>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include "app/cli/Commands.h"
#include "core/common/Error.h"
#include "core/model/CudnnUse.h"

namespace {

int run(int argc, char* argv[]) {
    using impasto::cli::CliOptions;
    try {
        std::vector<std::string> arguments(argv, argv + argc);
        const auto options = impasto::cli::parseCommandLine(arguments);
        if (!options) {
            return 0;
        }
        impasto::chooseCudnnUse(options->cudnn);
        switch (options->command) {
            case CliOptions::Command::DownloadModel:
                return impasto::cli::runDownloadModel(*options);
            case CliOptions::Command::ListModels:
                return impasto::cli::runListModels();
            case CliOptions::Command::Stylize:
                return impasto::cli::runStylize(*options);
            case CliOptions::Command::TrainStyle:
                return impasto::cli::runTrainStyle(*options);
            case CliOptions::Command::FastStyle:
                return impasto::cli::runFastStyle(*options);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-cli: error: %s\n", error.what());
        return 1;
    }
    return 1;
}

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("impasto-cli");
    QCoreApplication::setApplicationVersion(IMPASTO_VERSION);
    const int status = run(argc, argv);
    // --help, --version and --list-models print to stdout: a full disk or a closed pipe there
    // is a failure, not a success.
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        std::fprintf(stderr, "impasto-cli: error: cannot write to the standard output: %s\n",
                     std::strerror(errno));
        return status == 0 ? 1 : status;
    }
    return status;
}

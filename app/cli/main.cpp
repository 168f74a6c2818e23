#include <QCoreApplication>

#include <cstdio>
#include <exception>

#include "app/cli/Commands.h"
#include "core/common/Error.h"

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("impasto-cli");
    QCoreApplication::setApplicationVersion(IMPASTO_VERSION);

    using impasto::cli::CliOptions;
    try {
        std::vector<std::string> arguments(argv, argv + argc);
        const auto options = impasto::cli::parseCommandLine(arguments);
        if (!options) {
            return 0;
        }
        switch (options->command) {
            case CliOptions::Command::DownloadModel:
                return impasto::cli::runDownloadModel(*options);
            case CliOptions::Command::ListModels:
                return impasto::cli::runListModels();
            case CliOptions::Command::Stylize:
                return impasto::cli::runStylize(*options);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-cli: error: %s\n", error.what());
        return 1;
    }
    return 1;
}

#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

#include "app/cli/CliOptions.h"

namespace impasto::cli {

// --train-style and --fast-style with their own options (--photos, --train-size, --batch,
// --steps, --width, --strength); the loss options (--style-weight, --style-layers, ...) are
// the usual ones.
class FastStyleFlags {
public:
    FastStyleFlags();

    QList<QCommandLineOption> options() const;
    // Sets the command and options.fast; throws impasto::Error for a flag that does not fit.
    void apply(const QCommandLineParser& parser, CliOptions& options) const;

private:
    QCommandLineOption trainStyle_;
    QCommandLineOption fastStyle_;
    QCommandLineOption photos_;
    QCommandLineOption trainSize_;
    QCommandLineOption batch_;
    QCommandLineOption steps_;
    QCommandLineOption width_;
    QCommandLineOption strength_;
};

}  // namespace impasto::cli

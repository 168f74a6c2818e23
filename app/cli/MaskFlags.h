#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

#include "app/cli/CliOptions.h"

namespace impasto::cli {

// Where the paintings apply (issue 13): --style-mask FILE|none, one per --style in the same
// order; --style-source-mask FILE|none, the region of each painting its style comes from;
// --keep-mask FILE, where the photo stays. The files are read when the run starts.
class MaskFlags {
public:
    MaskFlags();

    QList<QCommandLineOption> options() const;
    // Whether `name` is one of the options that may repeat.
    bool repeats(const QString& name) const;
    // Fills options' mask files, after the style images are known; throws impasto::Error when
    // the counts do not match the paintings or a keep mask has no photo.
    void apply(const QCommandLineParser& parser, CliOptions& options) const;

private:
    QCommandLineOption styleMask_;
    QCommandLineOption styleSourceMask_;
    QCommandLineOption keepMask_;
};

}  // namespace impasto::cli

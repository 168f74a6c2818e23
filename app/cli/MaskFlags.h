#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

#include <functional>

#include "app/cli/CliOptions.h"
#include "core/image/MaskSet.h"

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
    // the counts do not match the paintings or a keep mask has no photo. The masks
    // `readStored` reads, those an exported image given as --preset holds, fill in each kind no
    // flag gives: the paintings' when the paintings are the preset's (`paintingsFromPreset`),
    // the keep mask when there is a photo. It is called only when some kind is left to them.
    void apply(const QCommandLineParser& parser, CliOptions& options,
               const std::function<MaskSet()>& readStored = {},
               bool paintingsFromPreset = false) const;

private:
    QCommandLineOption styleMask_;
    QCommandLineOption styleSourceMask_;
    QCommandLineOption keepMask_;
};

}  // namespace impasto::cli

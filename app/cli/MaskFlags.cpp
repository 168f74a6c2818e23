#include "app/cli/MaskFlags.h"

#include <QStringList>

#include "core/common/Error.h"

namespace impasto::cli {

namespace {

// One file (or "none") per painting, in the order of --style.
std::vector<std::optional<std::string>> perPainting(const QStringList& values,
                                                    const std::string& flag, size_t paintings) {
    if (values.isEmpty()) {
        return {};
    }
    if (static_cast<size_t>(values.size()) != paintings) {
        throw Error("--" + flag + " is given " + std::to_string(values.size()) + " times for " +
                    std::to_string(paintings) +
                    " --style: give one per --style, in the same order (none for a painting "
                    "without a mask)");
    }
    std::vector<std::optional<std::string>> files;
    for (const QString& value : values) {
        files.push_back(value == "none" ? std::nullopt : std::optional(value.toStdString()));
    }
    return files;
}

}  // namespace

MaskFlags::MaskFlags()
    : styleMask_(QStringList{"style-mask"},
                 "Where the matching --style applies: an image, white = here (soft edges "
                 "blend), resized to the output; none for a painting that applies everywhere. "
                 "Give one per --style, in the same order.",
                 "FILE|none"),
      styleSourceMask_(QStringList{"style-source-mask"},
                       "The region of the matching --style its style is taken from (white = "
                       "use), e.g. only a painting's sky; none for the whole painting. One per "
                       "--style.",
                       "FILE|none"),
      keepMask_(QStringList{"keep-mask"},
                "Where the result stays the photo: an image, white = keep (soft edges blend), "
                "resized to the output.",
                "FILE") {}

QList<QCommandLineOption> MaskFlags::options() const {
    return {styleMask_, styleSourceMask_, keepMask_};
}

bool MaskFlags::repeats(const QString& name) const {
    return styleMask_.names().contains(name) || styleSourceMask_.names().contains(name);
}

void MaskFlags::apply(const QCommandLineParser& parser, CliOptions& options) const {
    const size_t paintings = options.styleFiles.size();
    options.styleMaskFiles = perPainting(parser.values(styleMask_), "style-mask", paintings);
    options.styleSourceMaskFiles =
        perPainting(parser.values(styleSourceMask_), "style-source-mask", paintings);
    if (parser.isSet(keepMask_)) {
        if (!options.contentFile) {
            throw Error("--keep-mask keeps part of the photo: give --content too");
        }
        options.keepMaskFile = parser.value(keepMask_).toStdString();
    }
}

}  // namespace impasto::cli

#include "app/cli/MaskFlags.h"

#include <QStringList>

#include <cstdio>

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

std::string storedMaskNames(const MaskSet& masks) {
    std::string names;
    const auto add = [&names](const std::string& name) {
        names += (names.empty() ? "" : ", ") + name;
    };
    for (size_t i = 0; i < masks.paintings.size(); ++i) {
        if (masks.paintings[i])
            add("where painting " + std::to_string(i + 1) + " applies");
    }
    for (size_t i = 0; i < masks.sources.size(); ++i) {
        if (masks.sources[i])
            add("the part of painting " + std::to_string(i + 1) + " used");
    }
    if (masks.keep)
        add("where the photo stays");
    return names;
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

void MaskFlags::apply(const QCommandLineParser& parser, CliOptions& options,
                      const std::function<MaskSet()>& readStored, bool paintingsFromPreset) const {
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

    const int ownPaintings = paintingsFromPreset ? static_cast<int>(paintings) : 0;
    // Read only when they may fill a kind in: a damaged chunk fails no run that does not use it.
    const bool storedUsable = (ownPaintings > 0 && (options.styleMaskFiles.empty() ||
                                                    options.styleSourceMaskFiles.empty())) ||
                              (!parser.isSet(keepMask_) && options.contentFile);
    MaskSet stored = storedUsable && readStored ? readStored() : MaskSet{};
    if (options.styleMaskFiles.empty()) {
        options.storedMasks.paintings = stored.paintingsForSession(ownPaintings);
    }
    if (options.styleSourceMaskFiles.empty()) {
        options.storedMasks.sources = stored.sourcesForSession(ownPaintings);
    }
    if (!options.keepMaskFile && options.contentFile) {
        options.storedMasks.keep = std::move(stored.keep);
    }
    if (options.storedMasks.any()) {
        std::fprintf(stderr, "Masks from the preset: %s\n",
                     storedMaskNames(options.storedMasks).c_str());
    }
}

}  // namespace impasto::cli

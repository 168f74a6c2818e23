#include "app/cli/FastStyleFlags.h"

#include <QStringList>

#include "core/common/Error.h"
#include "core/common/Text.h"
#include "core/fast/TransformNetwork.h"

namespace impasto::cli {

namespace {

// The number is parsed here and its range left to validate() (StyleSettings.h), whose message
// gains the flag's name.
double toStrength(const QString& text) {
    StyleSettings checked;
    checked.strength = toNumber(text, "strength");
    try {
        validate(checked);
    } catch (const Error& error) {
        throw Error(std::string("--strength: ") + error.what());
    }
    return checked.strength;
}

}  // namespace

FastStyleFlags::FastStyleFlags()
    : trainStyle_(QStringList{"train-style"},
                  "Train a fast style for the one --style painting on the photos of --photos and "
                  "write it to FILE; Ctrl+C writes a checkpoint (FILE.checkpoint) that running "
                  "the same command again resumes.",
                  "FILE.safetensors"),
      fastStyle_(QStringList{"fast-style"},
                 "Apply a trained fast style to --content (or to several photos or a folder "
                 "with --output-dir): one pass, no iterations. --size scales the photo "
                 "(default: its own size).",
                 "FILE.safetensors"),
      photos_(QStringList{"photos"}, "The folder of photos a fast style trains on.", "FOLDER"),
      trainSize_(QStringList{"train-size"}, "Side of the square training crops. Default: 256.",
                 "PX", "256"),
      batch_(QStringList{"batch"}, "Crops per training step. Default: 4.", "N", "4"),
      steps_(QStringList{"steps"}, "Training steps. Default: 2000.", "N", "2000"),
      width_(QStringList{"width"},
             "The fast style network's width: 1 (Johnson et al.'s), 0.5 (default, for CPUs) or "
             "0.25.",
             "W", "0.5"),
      strength_(QStringList{"strength"},
                "How much of the result shows over the photo, 0 to 1 (an opacity, blended in "
                "linear light), for --fast-style and the usual runs alike. Default: 1.",
                "S", "1") {}

QList<QCommandLineOption> FastStyleFlags::options() const {
    return {trainStyle_, fastStyle_, photos_, trainSize_, batch_, steps_, width_, strength_};
}

void FastStyleFlags::apply(const QCommandLineParser& parser, CliOptions& options) const {
    const bool training = parser.isSet(trainStyle_);
    const bool applying = parser.isSet(fastStyle_);
    FastStyleOptions& fast = options.fast;
    if (training && applying) {
        throw Error("Give --train-style or --fast-style, not both");
    }
    for (const QCommandLineOption& option : {photos_, trainSize_, batch_, steps_, width_}) {
        if (parser.isSet(option) && !training) {
            throw Error("--" + option.names().first().toStdString() + " goes with --train-style");
        }
    }
    if (parser.isSet(strength_) && training) {
        throw Error("--strength goes with --fast-style or the usual run, not --train-style");
    }
    if (parser.isSet(strength_)) {
        options.settings.strength = toStrength(parser.value(strength_));
    }
    if (training) {
        options.command = CliOptions::Command::TrainStyle;
        fast.styleFile = parser.value(trainStyle_).toStdString();
        if (!parser.isSet(photos_)) {
            throw Error("--train-style needs --photos FOLDER to train on");
        }
        if (options.styleFiles.size() != 1) {
            throw Error("--train-style trains for one painting: give one --style");
        }
        fast.photosFolder = parser.value(photos_).toStdString();
        fast.trainSize = toInteger(parser.value(trainSize_), "train-size", 32);
        fast.batchSize = toInteger(parser.value(batch_), "batch", 1);
        fast.steps = toInteger(parser.value(steps_), "steps", 1);
        const std::optional<double> width = parseNumber(parser.value(width_).toStdString());
        if (!width || !TransformNetwork::isSupportedWidth(*width)) {
            throw Error("--width must be 1, 0.5 or 0.25");
        }
        fast.width = *width;
    }
    if (applying) {
        options.command = CliOptions::Command::FastStyle;
        fast.styleFile = parser.value(fastStyle_).toStdString();
        if (!options.contentFile) {
            throw Error("--fast-style needs --content PHOTO (or a folder with --output-dir)");
        }
        fast.sizeGiven = parser.isSet("size");
    }
}

}  // namespace impasto::cli

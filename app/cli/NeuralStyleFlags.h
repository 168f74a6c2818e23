#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

#include "app/cli/CliOptions.h"

namespace impasto::cli {

// jcjohnson/neural-style's flags, with his meanings, where they differ from Impasto's own
// options: other scales (weights, learning rate), comma lists (-style_image), 0|1 values
// (-original_colors), -gpu N, -seed -1, -backend and -cudnn_autotune (cuDNN on a CUDA GPU,
// CudnnUse.h), and the flags that mean nothing here (-proto_file, -multigpu_strategy, -backend
// clnn), which are accepted and named as ignored.
// His other flags are spellings of Impasto's options (CliOptions.cpp: -image_size, -num_iterations,
// -content_layers...).
class NeuralStyleFlags {
public:
    NeuralStyleFlags();

    QList<QCommandLineOption> options() const;

    // -style_image's files, after those of --style.
    void applyStyleImages(const QCommandLineParser& parser, CliOptions& options) const;
    // -init_image FILE starts from FILE unless -init random was given (as in neural-style,
    // where it replaces the content image of -init image).
    void applyInitImage(const QCommandLineParser& parser, CliOptions& options) const;
    // The rest, after Impasto's own options; prints one line naming the flags ignored.
    void applySettings(const QCommandLineParser& parser, CliOptions& options) const;

private:
    QCommandLineOption styleImage_;
    QCommandLineOption initImage_;
    QCommandLineOption contentWeight_;
    QCommandLineOption styleWeight_;
    QCommandLineOption tvWeight_;
    QCommandLineOption learningRate_;
    QCommandLineOption originalColors_;
    QCommandLineOption normalizeGradients_;
    QCommandLineOption lbfgsHistory_;
    QCommandLineOption gpu_;
    QCommandLineOption modelFile_;
    QCommandLineOption protoFile_;
    QCommandLineOption backend_;
    QCommandLineOption cudnnAutotune_;
    QCommandLineOption multigpuStrategy_;
};

// jcjohnson/neural-style's scales, turned into Impasto's by way of the defaults: his default
// weights give Impasto's default balance (content 5 -> 1, style 100 -> 100; TV in
// core/settings/SmoothnessScale.h), and his learning rate counts 0-255 levels of an image times
// 256 with the mean subtracted, where Impasto's counts the range 0-1 (10 -> 10/256).
double contentWeightFromNeuralStyle(double weight);
double styleWeightFromNeuralStyle(double weight);
double learningRateFromNeuralStyle(double rate);

}  // namespace impasto::cli

#pragma once

#include <QImage>
#include <QString>

namespace impasto::ui {

// What the fast style list shows of a style file: the painting's name and thumbnail, how long
// it trained and its width; or, for a file that does not read, why.
struct FastStyleSummary {
    QString file;
    QString paintingName;
    QImage thumbnail;
    int steps = 0;
    double width = 0.0;
    QString error;  // empty when the file is a valid style

    bool isValid() const { return error.isEmpty(); }
};

// Reads and validates the whole file (a style is small); never throws. Call it off the window's
// thread.
FastStyleSummary readFastStyleSummary(const QString& file);

}  // namespace impasto::ui

#pragma once

#include <QListWidget>
#include <QString>
#include <QWidget>

namespace impasto::ui {

// The paintings and presets used lately (AppSettings::recentFiles), as thumbnails for one-click
// reuse: clicking a painting adds it to the run, clicking a preset (a JSON preset with its
// result's thumbnail beside it, or an exported picture, which holds its recipe) restores it.
// Thumbnails are decoded on Qt's thread pool, so a huge file never stalls the window.
class StyleGallery : public QWidget {
    Q_OBJECT

public:
    explicit StyleGallery(QWidget* parent = nullptr);

    // Lists the files as they are now; call after a recent file is remembered.
    void refresh();

    QListWidget* paintings() const { return paintings_; }
    QListWidget* presets() const { return presets_; }

    static constexpr int kThumbnailSize = 96;  // logical pixels, longest side

Q_SIGNALS:
    void paintingChosen(const QString& file);
    void presetChosen(const QString& file);
    // Every thumbnail asked for by the last refresh() has been decoded (for tests).
    void thumbnailsLoaded();

private:
    void fill(QListWidget* list, const QString& purpose);
    void showThumbnail(int generation, QListWidget* list, int row, const QImage& thumbnail);

    QListWidget* paintings_;
    QListWidget* presets_;
    // Thumbnails of an earlier refresh() that arrive late are dropped.
    int generation_ = 0;
    int thumbnailsPending_ = 0;
};

}  // namespace impasto::ui

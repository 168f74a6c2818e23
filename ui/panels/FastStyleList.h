#pragma once

#include <QListWidget>
#include <QString>
#include <QWidget>

class QPushButton;

namespace impasto::ui {

struct FastStyleSummary;

// The fast styles trained or opened before (AppSettings' recent files "fast-styles"), each as
// its painting's thumbnail and name (with the file's name where styles share a painting):
// clicking one stylises the current photo with it. Files are read on Qt's thread pool; one that
// no longer reads is shown greyed with the reason.
class FastStyleList : public QWidget {
    Q_OBJECT

public:
    explicit FastStyleList(QWidget* parent = nullptr);

    // Lists the remembered files as they are now.
    void refresh();
    // Reads `file` off this thread: a valid style is remembered and listed, a broken one is
    // reported by loadFailed.
    void addFile(const QString& file);

    QListWidget* list() const { return list_; }
    QPushButton* openButton() const { return open_; }
    QPushButton* trainButton() const { return train_; }

    static constexpr int kThumbnailSize = 96;  // logical pixels, longest side

Q_SIGNALS:
    void styleChosen(const QString& file);
    void loadFailed(const QString& message);
    void openRequested();
    void trainRequested();
    // Every file asked for by the last refresh() has been read (for tests).
    void stylesLoaded();

private:
    void showSummary(int generation, int row, const FastStyleSummary& summary);

    QListWidget* list_;
    QPushButton* open_;
    QPushButton* train_;
    // Files of an earlier refresh() that arrive late are dropped.
    int generation_ = 0;
    int pending_ = 0;
};

}  // namespace impasto::ui

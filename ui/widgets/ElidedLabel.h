#pragma once

#include <QLabel>
#include <QString>

namespace impasto::ui {

// One line of text that fits whatever width it gets: cut with "…" when too long, the whole
// text then in its tooltip (above the explanation, if it has one). It asks for the width of
// its whole text but can shrink to nothing, so that a status bar squeezes it rather than
// pushing other widgets out of the window.
class ElidedLabel : public QLabel {
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setFullText(const QString& text);
    QString fullText() const { return fullText_; }
    // The tooltip's standing text: what the label shows, in a sentence.
    void setExplanation(const QString& explanation);
    // Whether the text shown is cut.
    bool isElided() const { return text() != fullText_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();

    QString fullText_;
    QString explanation_;
};

}  // namespace impasto::ui

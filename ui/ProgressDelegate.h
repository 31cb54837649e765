#pragma once

#include "model/TransferState.h"

#include <QColor>
#include <QStyledItemDelegate>

#include <optional>

namespace bt::ui {

// Paints the progress column as a progress bar (the style's), with the percentage as text.
// An unknown size shows a bar without a fill and the bytes done.
class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

    struct Colors
    {
        QColor bar;
        QColor text; // on the bar's fill
    };
    // The fill and its text for a state; none: the style's (running). `attention`: paused on
    // an error (disk full), not by the person.
    static std::optional<Colors> colors(TransferState state, bool attention = false);
    // The cell's text on one line, elided to `width` (an error is longer than the column).
    static QString fittedText(const QString &text, const QFontMetrics &metrics, int width);
};

} // namespace bt::ui

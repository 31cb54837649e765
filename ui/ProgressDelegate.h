#pragma once

#include <QStyledItemDelegate>

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
};

} // namespace bt::ui

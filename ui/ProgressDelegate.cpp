#include "ProgressDelegate.h"

#include "TransferModel.h"
#include "store/TransferRecord.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionProgressBar>

namespace bt::ui {

void ProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    // The selection background first, so that a selected row stays visibly selected.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const double fraction = index.data(TransferModel::FractionRole).toDouble();
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.direction = option.direction;
    bar.fontMetrics = option.fontMetrics;
    bar.palette = option.palette;
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = fraction < 0 ? 0 : int(fraction * 1000);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    const auto state = TransferState(index.data(TransferModel::StateRole).toInt());
    if (state == TransferState::Failed)
        bar.palette.setColor(QPalette::Highlight, QColor(0xc0, 0x39, 0x2b));
    else if (state == TransferState::Completed)
        bar.palette.setColor(QPalette::Highlight, QColor(0x27, 0xae, 0x60));
    else if (state == TransferState::Paused || state == TransferState::Queued)
        bar.palette.setColor(QPalette::Highlight, QColor(0x95, 0xa5, 0xa6));
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

} // namespace bt::ui

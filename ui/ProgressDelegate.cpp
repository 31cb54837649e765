#include "ProgressDelegate.h"

#include "TransferModel.h"
#include "model/TransferState.h"

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
    // One line, elided: the whole text is in the tooltip and the details pane.
    bar.text = fittedText(index.data(Qt::DisplayRole).toString(), option.fontMetrics,
                          bar.rect.width() - 8);
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    const auto state = TransferState(index.data(TransferModel::StateRole).toInt());
    if (index.data(TransferModel::StaleRole).toBool()) {
        bar.state &= ~QStyle::State_Enabled; // a daemon out of reach: greyed as the row is
    } else if (const auto c = colors(state, index.data(TransferModel::AttentionRole).toBool())) {
        bar.palette.setColor(QPalette::Highlight, c->bar);
        bar.palette.setColor(QPalette::HighlightedText, c->text);
    }
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

std::optional<ProgressDelegate::Colors> ProgressDelegate::colors(TransferState state,
                                                                 bool attention)
{
    if (state == TransferState::Paused && attention)
        return Colors{QColor(0x9a, 0x5b, 0x00), Qt::white}; // amber: paused on an error
    // Text and fill differ by a contrast ratio of 4.5 or more (WCAG AA): white on the red,
    // the amber and the dark green, near-black on the light grey of a stopped bar.
    switch (state) {
    case TransferState::Failed:
        return Colors{QColor(0xc0, 0x39, 0x2b), Qt::white};
    case TransferState::Completed:
        return Colors{QColor(0x1e, 0x84, 0x49), Qt::white};
    case TransferState::Paused:
    case TransferState::Queued:
        return Colors{QColor(0x95, 0xa5, 0xa6), QColor(0x1b, 0x1b, 0x1b)};
    default:
        return std::nullopt;
    }
}

QString ProgressDelegate::fittedText(const QString &text, const QFontMetrics &metrics, int width)
{
    QString line = text;
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return metrics.elidedText(line, Qt::ElideRight, qMax(0, width));
}

} // namespace bt::ui

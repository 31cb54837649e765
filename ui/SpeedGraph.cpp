#include "SpeedGraph.h"

#include "Format.h"

#include <QPainter>
#include <QPainterPath>

namespace bt::ui {

SpeedGraph::SpeedGraph(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(80);
}

void SpeedGraph::setSamples(const QList<qint64> &bytesPerSecond, int intervalMs)
{
    m_samples = bytesPerSecond;
    m_intervalMs = intervalMs;
    update();
}

void SpeedGraph::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
    p.fillRect(area, palette().base());
    p.setPen(palette().mid().color());
    p.drawRect(area);
    for (int i = 1; i < 4; ++i) { // a quiet grid
        const qreal y = area.top() + area.height() * i / 4;
        p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
    }
    qint64 peak = 1;
    for (qint64 v : std::as_const(m_samples))
        peak = qMax(peak, v);
    if (m_samples.size() >= 2) {
        const int capacity = qMax(int(m_samples.size()), 60); // at least a minute wide
        const qreal step = area.width() / (capacity - 1);
        const qreal x0 = area.right() - step * (m_samples.size() - 1);
        QPainterPath line;
        for (int i = 0; i < m_samples.size(); ++i) {
            const QPointF pt(x0 + step * i,
                             area.bottom() - area.height() * 0.9 * m_samples[i] / peak);
            i == 0 ? line.moveTo(pt) : line.lineTo(pt);
        }
        QPainterPath fill = line;
        fill.lineTo(area.right(), area.bottom());
        fill.lineTo(x0, area.bottom());
        fill.closeSubpath();
        QColor c = palette().highlight().color();
        c.setAlpha(70);
        p.fillPath(fill, c);
        p.setPen(QPen(palette().highlight().color(), 1.5));
        p.drawPath(line);
    }
    p.setPen(palette().text().color());
    p.drawText(area.adjusted(4, 2, -4, -2), Qt::AlignTop | Qt::AlignLeft,
               m_samples.isEmpty() ? tr("No speed samples yet")
                                   : tr("Peak %1").arg(formatSpeed(peak)));
}

SegmentMap::SegmentMap(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(14);
}

void SegmentMap::setSegments(const QList<Segment> &segments, qint64 total)
{
    m_segments = segments;
    m_parts.clear();
    m_total = total;
    update();
}

void SegmentMap::setParts(const QList<UploadPart> &parts, qint64 total)
{
    m_parts = parts;
    m_segments.clear();
    m_total = total;
    update();
}

void SegmentMap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRectF area = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.fillRect(area, palette().base());
    if (m_total > 0) {
        const QColor done = palette().highlight().color();
        QColor pending = done;
        pending.setAlpha(50);
        for (const Segment &s : std::as_const(m_segments)) {
            const qint64 end = s.end < 0 ? m_total : s.end;
            const qreal x1 = area.left() + area.width() * s.start / m_total;
            const qreal x2 = area.left() + area.width() * end / m_total;
            const qreal xd = area.left() + area.width() * (s.start + s.done) / m_total;
            p.fillRect(QRectF(x1, area.top(), x2 - x1, area.height()), pending);
            p.fillRect(QRectF(x1, area.top(), xd - x1, area.height()), done);
            p.setPen(palette().base().color());
            p.drawLine(QPointF(x1, area.top()), QPointF(x1, area.bottom()));
        }
        QColor sending = done;
        sending.setAlpha(140);
        for (const UploadPart &part : std::as_const(m_parts)) {
            const qreal x1 = area.left() + area.width() * part.offset / m_total;
            const qreal x2 = area.left() + area.width() * (part.offset + part.size) / m_total;
            const qreal xs = area.left() + area.width() * (part.offset + part.sent) / m_total;
            p.fillRect(QRectF(x1, area.top(), x2 - x1, area.height()), pending);
            if (part.phase == UploadPart::Phase::Confirmed)
                p.fillRect(QRectF(x1, area.top(), x2 - x1, area.height()), done);
            else if (part.phase == UploadPart::Phase::Sending)
                p.fillRect(QRectF(x1, area.top(), xs - x1, area.height()), sending);
            p.setPen(palette().base().color());
            p.drawLine(QPointF(x1, area.top()), QPointF(x1, area.bottom()));
        }
    }
    p.setPen(palette().mid().color());
    p.drawRect(area);
}

} // namespace bt::ui

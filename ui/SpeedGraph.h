#pragma once

#include "model/UploadPart.h"

#include <QList>
#include <QWidget>

namespace bt::ui {

// The speed of one transfer over the last minutes, painted as a filled line (QPainter).
class SpeedGraph : public QWidget
{
    Q_OBJECT
public:
    explicit SpeedGraph(QWidget *parent = nullptr);
    void setSamples(const QList<qint64> &bytesPerSecond, int intervalMs);
    QSize sizeHint() const override { return {320, 110}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<qint64> m_samples;
    int m_intervalMs = 250;
};

// The segments of a multi-segment download: each range, and how much of it is on disk.
class SegmentMap : public QWidget
{
    Q_OBJECT
public:
    struct Segment
    {
        qint64 start = 0;
        qint64 end = -1;
        qint64 done = 0;
    };
    explicit SegmentMap(QWidget *parent = nullptr);
    void setSegments(const QList<Segment> &segments, qint64 total);
    const QList<Segment> &segments() const { return m_segments; }
    // A multipart upload instead: confirmed parts filled, those on their way filled lighter
    // up to what is sent, pending ones empty.
    void setParts(const QList<UploadPart> &parts, qint64 total);
    const QList<UploadPart> &parts() const { return m_parts; }
    QSize sizeHint() const override { return {320, 18}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<Segment> m_segments;
    QList<UploadPart> m_parts;
    qint64 m_total = -1;
};

} // namespace bt::ui

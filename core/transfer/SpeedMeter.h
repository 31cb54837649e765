#pragma once

#include <QList>
#include <QPair>
#include <QtGlobal>

namespace bt {

// A moving average of a byte counter over the last few seconds (what progress shows).
class SpeedMeter
{
public:
    explicit SpeedMeter(qint64 windowMs = 4000) : m_windowMs(windowMs) {}

    void reset() { m_samples.clear(); }
    void addSample(qint64 msec, qint64 totalBytes);
    qint64 bytesPerSecond() const;
    qint64 etaSeconds(qint64 remaining) const; // -1 when unknown

private:
    qint64 m_windowMs;
    QList<QPair<qint64, qint64>> m_samples; // (msec, total bytes)
};

} // namespace bt

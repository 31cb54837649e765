#include "transfer/SpeedMeter.h"

namespace bt {

void SpeedMeter::addSample(qint64 msec, qint64 totalBytes)
{
    if (!m_samples.isEmpty() && totalBytes < m_samples.last().second)
        m_samples.clear(); // the counter went back (a restart from zero)
    m_samples.append({msec, totalBytes});
    while (m_samples.size() > 2 && msec - m_samples.at(1).first >= m_windowMs)
        m_samples.removeFirst();
}

qint64 SpeedMeter::bytesPerSecond() const
{
    if (m_samples.size() < 2)
        return 0;
    const qint64 dt = m_samples.last().first - m_samples.first().first;
    const qint64 db = m_samples.last().second - m_samples.first().second;
    return dt > 0 ? db * 1000 / dt : 0;
}

qint64 SpeedMeter::etaSeconds(qint64 remaining) const
{
    const qint64 speed = bytesPerSecond();
    if (remaining < 0 || speed <= 0)
        return -1;
    return (remaining + speed - 1) / speed;
}

} // namespace bt

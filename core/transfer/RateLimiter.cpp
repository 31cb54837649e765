#include "transfer/RateLimiter.h"

#include <QMutexLocker>

#include <cmath>

namespace bt {

namespace {
// A small burst keeps the average honest over short windows while letting reads be a
// reasonable size: a quarter of a second of budget, at least 16 KiB.
double capacityFor(qint64 rate)
{
    return std::max<double>(double(rate) / 4.0, 16 * 1024.0);
}
} // namespace

RateLimiter::RateLimiter(qint64 bytesPerSecond)
{
    m_clock.start();
    setRate(bytesPerSecond);
}

void RateLimiter::setRate(qint64 bytesPerSecond)
{
    QMutexLocker lock(&m_mutex);
    m_rate = qMax<qint64>(0, bytesPerSecond);
    m_tokens = 0;
    m_lastNs = m_clock.nsecsElapsed();
}

qint64 RateLimiter::rate() const
{
    QMutexLocker lock(&m_mutex);
    return m_rate;
}

void RateLimiter::refillLocked()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double added = double(now - m_lastNs) * double(m_rate) / 1e9;
    m_lastNs = now;
    m_tokens = std::min(m_tokens + added, capacityFor(m_rate));
}

qint64 RateLimiter::acquire(qint64 wanted)
{
    QMutexLocker lock(&m_mutex);
    if (m_rate <= 0)
        return wanted;
    refillLocked();
    const qint64 granted = qMin<qint64>(wanted, qint64(std::floor(m_tokens)));
    if (granted <= 0)
        return 0;
    m_tokens -= double(granted);
    return granted;
}

void RateLimiter::giveBack(qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    if (m_rate > 0 && bytes > 0)
        m_tokens = std::min(m_tokens + double(bytes), capacityFor(m_rate));
}

qint64 RateLimiter::msUntilAvailable(qint64 bytes) const
{
    QMutexLocker lock(&m_mutex);
    if (m_rate <= 0)
        return 0;
    const double now = double(m_clock.nsecsElapsed() - m_lastNs) * double(m_rate) / 1e9;
    const double missing = double(bytes) - (m_tokens + now);
    return missing <= 0 ? 0 : qint64(std::ceil(missing * 1000.0 / double(m_rate)));
}

} // namespace bt

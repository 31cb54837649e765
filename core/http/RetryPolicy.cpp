#include "RetryPolicy.h"

#include <QRandomGenerator>

namespace bt::http {

qint64 RetryPolicy::backoffCeilingMs(int attempt) const
{
    const qint64 base = qMax<qint64>(0, m_settings.baseDelayMs);
    const qint64 cap = qMax<qint64>(0, m_settings.maxDelayMs);
    const int shift = qMax(0, attempt - 1);
    // base * 2^shift without overflow: compare against cap >> shift first.
    if (shift >= 62 || base > (cap >> shift))
        return cap;
    return qMin(cap, base << shift);
}

qint64 RetryPolicy::nextDelayMs(const Error &error)
{
    if (!error.isTransient() || m_attempt >= m_settings.maxAttempts)
        return -1;
    ++m_attempt;
    const qint64 ceiling = backoffCeilingMs(m_attempt);
    const qint64 floor = ceiling / 2;
    // bounded(lo, hi) excludes hi; +1 so that the ceiling itself can be drawn.
    qint64 delay = QRandomGenerator::global()->bounded(floor, ceiling + 1);
    if (error.retryAfterMs >= 0)
        delay = qMax(delay, qMin(error.retryAfterMs, m_settings.maxRetryAfterMs));
    return delay;
}

} // namespace bt::http

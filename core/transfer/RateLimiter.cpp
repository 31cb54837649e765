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

namespace {
constexpr qint64 kActiveNs = 200'000'000; // a client that asked this recently gets a share
} // namespace

RateLimiter::RateLimiter(qint64 bytesPerSecond)
{
    m_clock.start();
    setRate(bytesPerSecond);
}

void RateLimiter::setClock(std::function<qint64()> nowNs)
{
    QMutexLocker lock(&m_mutex);
    m_now = std::move(nowNs);
    m_lastNs = nowLocked();
}

qint64 RateLimiter::nowLocked() const
{
    return m_now ? m_now() : m_clock.nsecsElapsed();
}

void RateLimiter::setRate(qint64 bytesPerSecond)
{
    QMutexLocker lock(&m_mutex);
    m_rate = qMax<qint64>(0, bytesPerSecond);
    m_tokens = 0;
    m_clients.clear();
    m_lastNs = nowLocked();
}

qint64 RateLimiter::rate() const
{
    QMutexLocker lock(&m_mutex);
    return m_rate;
}

void RateLimiter::refillLocked()
{
    const qint64 now = nowLocked();
    double added = double(now - m_lastNs) * double(m_rate) / 1e9;
    m_lastNs = now;
    const double capacity = capacityFor(m_rate);
    for (auto it = m_clients.begin(); it != m_clients.end();) {
        if (now - it->lastAskNs > kActiveNs)
            it = m_clients.erase(it); // gone quiet: its share goes to the others
        else
            ++it;
    }
    // Water-filling: equal parts to the clients whose bucket has room, again with what
    // overflowed the full ones; what no bucket takes goes to the pool.
    const double own = m_clients.isEmpty() ? 0 : capacity / double(m_clients.size());
    for (int round = 0; round < 4 && added > 0; ++round) {
        int open = 0;
        for (const Client &c : std::as_const(m_clients))
            open += c.tokens < own ? 1 : 0;
        if (open == 0)
            break;
        const double part = added / double(open);
        added = 0;
        for (Client &c : m_clients) {
            if (c.tokens >= own)
                continue;
            const double in = std::min(part, own - c.tokens);
            c.tokens += in;
            added += part - in;
        }
    }
    m_tokens = std::min(m_tokens + added, capacity);
}

qint64 RateLimiter::acquire(qint64 wanted, quintptr client)
{
    QMutexLocker lock(&m_mutex);
    if (m_rate <= 0)
        return wanted;
    refillLocked();
    double *own = nullptr;
    if (client) {
        Client &c = m_clients[client];
        c.lastAskNs = m_lastNs;
        own = &c.tokens;
    }
    qint64 granted = 0;
    if (own) {
        granted = qMin<qint64>(wanted, qint64(std::floor(*own)));
        *own -= double(granted);
    }
    const qint64 fromPool = qMin<qint64>(wanted - granted, qint64(std::floor(m_tokens)));
    if (fromPool > 0) {
        m_tokens -= double(fromPool);
        granted += fromPool;
    }
    return granted;
}

void RateLimiter::giveBack(qint64 bytes, quintptr client)
{
    QMutexLocker lock(&m_mutex);
    if (m_rate <= 0 || bytes <= 0)
        return;
    const auto it = m_clients.find(client);
    if (client && it != m_clients.end())
        it->tokens += double(bytes);
    else
        m_tokens = std::min(m_tokens + double(bytes), capacityFor(m_rate));
}

qint64 RateLimiter::msUntilAvailable(qint64 bytes) const
{
    QMutexLocker lock(&m_mutex);
    if (m_rate <= 0)
        return 0;
    const double now = double(nowLocked() - m_lastNs) * double(m_rate) / 1e9;
    const double missing = double(bytes) - (m_tokens + now);
    return missing <= 0 ? 0 : qint64(std::ceil(missing * 1000.0 / double(m_rate)));
}

} // namespace bt

#include "transfer/AdaptiveConnections.h"

#include <algorithm>

namespace bt {

namespace {
constexpr qint64 kMinWindowBytes = 6 << 20;
} // namespace

AdaptiveConnections::AdaptiveConnections(int initial, int maximum)
    : m_target(std::clamp(initial, 1, std::max(1, maximum))), m_maximum(std::max(1, maximum))
{
}

void AdaptiveConnections::probe(double rate, int to)
{
    m_probing = true;
    m_probeStartMs = m_lastMs;
    m_probeFrom = m_target;
    m_probeBase = rate;
    m_target = std::min(to, m_maximum);
}

int AdaptiveConnections::tick(qint64 msec, qint64 totalBytes, int flowing, int busy, bool diskBound)
{
    m_diskBound = m_diskBound || diskBound;
    const bool waiting =
        m_probing && flowing < std::min(busy, m_target) && msec - m_probeStartMs < 3000;
    if (m_lastMs < 0 || msec <= m_lastMs || totalBytes < m_lastBytes || waiting) {
        m_lastMs = msec; // the measurement window starts (again) here
        m_lastBytes = totalBytes;
        return m_target;
    }
    // Servers and Qt deliver in bursts (up to a read buffer at a time): a window must hold
    // several of them to say anything, or be long.
    const qint64 windowMs = msec - m_lastMs;
    const qint64 windowBytes = totalBytes - m_lastBytes;
    if (windowMs < 500 && windowBytes < kMinWindowBytes)
        return m_target;
    const double rate = double(windowBytes) * 1000.0 / double(windowMs);
    m_lastMs = msec;
    m_lastBytes = totalBytes;
    const bool disk = m_diskBound;
    m_diskBound = false;
    if (!disk)
        m_peak = std::max(m_peak, rate);

    if (m_probing) {
        m_probing = false;
        const double added = double(m_target - m_probeFrom) / double(std::max(1, m_probeFrom));
        if (rate >= m_probeBase * (1.0 + 0.25 * added)) {
            m_cooldownMs = 0;
            if (m_target < m_maximum)
                probe(rate, m_target * 2); // it paid off: more
            return m_target;
        }
        // It did not: undo (but keep a second connection, cheap and a hedge against a
        // slow one), try again later.
        m_target = std::max(m_probeFrom, std::min(2, m_target));
        m_cooldownMs = m_cooldownMs ? std::min<qint64>(m_cooldownMs * 2, 8000) : 500;
        m_nextProbeMs = msec + m_cooldownMs;
        return m_target;
    }
    if (m_target >= m_maximum || disk)
        return m_target;
    if (rate < 0.5 * m_peak)
        probe(rate, m_target * 2); // slowed down: throttled per connection, or congestion
    else if (msec >= m_nextProbeMs)
        probe(rate, m_target + 1);
    return m_target;
}

void AdaptiveConnections::cap(int connections)
{
    m_maximum = std::max(1, connections);
    m_target = std::min(m_target, m_maximum);
    m_probing = false;
}

} // namespace bt

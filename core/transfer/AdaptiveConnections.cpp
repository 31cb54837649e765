#include "transfer/AdaptiveConnections.h"

#include <algorithm>

#if defined(Q_OS_UNIX)
#include <time.h>
#endif

namespace bt {

namespace {
constexpr qint64 kMinWindowBytes = 2 << 20;
constexpr int kFirstProbe = 4; // from one connection straight to this many
constexpr int kGrowth = 4;     // a probe that paid off multiplies by this
// A connection this fast is not throttled by the server: the link, the disk or this process
// is the limit, which more connections would not lift (a local or data-centre link).
constexpr double kFastConnection = 64.0 * 1024 * 1024;
} // namespace

qint64 AdaptiveConnections::processCpuMsec()
{
#if defined(Q_OS_UNIX) && defined(CLOCK_PROCESS_CPUTIME_ID)
    timespec ts{};
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
        return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
#endif
    return -1;
}

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

int AdaptiveConnections::tick(qint64 msec, qint64 totalBytes, int flowing, int busy, bool diskBound,
                              qint64 cpuMsec)
{
    m_diskBound = m_diskBound || diskBound;
    const bool waiting =
        m_probing && flowing < std::min(busy, m_target) && msec - m_probeStartMs < 3000;
    if (m_lastMs < 0 || msec <= m_lastMs || totalBytes < m_lastBytes || waiting) {
        m_lastMs = msec; // the measurement window starts (again) here
        m_lastBytes = totalBytes;
        m_lastCpuMs = cpuMsec;
        return m_target;
    }
    // Servers and Qt deliver in bursts (up to a read buffer at a time): a window must hold
    // several of them to say anything, or be long.
    const qint64 windowMs = msec - m_lastMs;
    const qint64 windowBytes = totalBytes - m_lastBytes;
    if (windowMs < 500 && windowBytes < kMinWindowBytes)
        return m_target;
    const double rate = double(windowBytes) * 1000.0 / double(windowMs);
    const bool cpu = cpuMsec >= 0 && m_lastCpuMs >= 0 &&
                     double(cpuMsec - m_lastCpuMs) >= kCpuBoundShare * double(windowMs);
    const bool fast = rate >= kFastConnection * double(std::max(1, std::min(flowing, m_target)));
    m_lastMs = msec;
    m_lastBytes = totalBytes;
    m_lastCpuMs = cpuMsec;
    const bool disk = m_diskBound;
    m_diskBound = false;
    if (!disk)
        m_peak = std::max(m_peak, rate);

    if (m_probing) {
        m_probing = false;
        const double added = double(m_target - m_probeFrom) / double(std::max(1, m_probeFrom));
        if (rate >= m_probeBase * (1.0 + 0.25 * added)) {
            m_cooldownMs = 0;
            if (m_target < m_maximum && !cpu && !fast)
                probe(rate, m_target * kGrowth); // it paid off: more
            return m_target;
        }
        // It did not: undo (but keep a second connection, cheap and a hedge against a
        // slow one), try again later.
        m_target = std::max(m_probeFrom, std::min(2, m_target));
        m_cooldownMs = m_cooldownMs ? std::min<qint64>(m_cooldownMs * 2, 8000) : 500;
        m_nextProbeMs = msec + m_cooldownMs;
        return m_target;
    }
    if (m_target >= m_maximum || disk || cpu || fast) {
        m_slowWindows = 0;
        return m_target; // we are the bottleneck: more connections would not help
    }
    // After fast windows one slow one is more often a hiccup of the machine than a throttle
    // (which lasts): only the second one in a row starts a probe.
    if (m_peak >= kFastConnection && ++m_slowWindows < 2)
        return m_target;
    m_slowWindows = 0;
    if (rate < 0.5 * m_peak)
        probe(rate, m_target * 2); // slowed down: throttled per connection, or congestion
    else if (msec >= m_nextProbeMs)
        probe(rate, m_target == 1 ? kFirstProbe : m_target + 1);
    return m_target;
}

void AdaptiveConnections::cap(int connections)
{
    m_maximum = std::max(1, connections);
    m_target = std::min(m_target, m_maximum);
    m_probing = false;
}

} // namespace bt

#include "transfer/AdaptiveConnections.h"

#include <algorithm>

namespace bt {

AdaptiveConnections::AdaptiveConnections(int initial, int maximum)
    : m_target(std::clamp(initial, 1, std::max(1, maximum))), m_maximum(std::max(1, maximum))
{
    m_growing = m_target < m_maximum;
}

int AdaptiveConnections::tick(qint64 msec, qint64 totalBytes, int active)
{
    if (m_lastMs < 0 || msec <= m_lastMs) {
        m_lastMs = msec;
        m_lastBytes = totalBytes;
        return m_target;
    }
    const double rate = double(totalBytes - m_lastBytes) * 1000.0 / double(msec - m_lastMs);
    m_lastMs = msec;
    m_lastBytes = totalBytes;
    if (!m_growing)
        return m_target;
    if (active < m_target)
        return m_target; // the last addition is not running yet: measure again next tick
    if (m_rateBefore >= 0) {
        const double share = m_countBefore > 0 ? m_rateBefore / m_countBefore : 0;
        if (rate - m_rateBefore < 0.5 * share) {
            m_growing = false; // that connection did not pay off: the link is the limit
            return m_target;
        }
    }
    if (m_target >= m_maximum) {
        m_growing = false;
        return m_target;
    }
    m_rateBefore = rate;
    m_countBefore = active;
    ++m_target;
    return m_target;
}

void AdaptiveConnections::cap(int connections)
{
    m_target = std::clamp(connections, 1, m_maximum);
    m_growing = false;
}

} // namespace bt

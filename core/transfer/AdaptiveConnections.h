#pragma once

#include <QtGlobal>

namespace bt {

// How many connections an adaptive download wants, decided on a timer from the total rate.
// It starts with one connection and probes with more: a probe that paid off (the rate grew
// by at least a quarter of what the added connections would bring at the old per-connection
// rate) doubles again; one that did not is undone (down to two) and retried later (0.5 s, 1 s, ...
// 8 s). When the rate falls below half of the best seen (a server that throttles each connection
// after a burst, a congested path) it doubles at once. So a per-connection-throttled server
// gets many connections within about a second, a saturated link stays at two.
class AdaptiveConnections
{
public:
    AdaptiveConnections(int initial, int maximum);

    int target() const { return m_target; }
    int maximum() const { return m_maximum; }
    bool isProbing() const { return m_probing; }
    // One measurement: total bytes so far at `msec`, `flowing` of the `busy` connections
    // have received data. A probe is judged only once its connections flow (a new
    // connection needs a handshake and a request first). Returns the new target, which may
    // be lower than before (an unsuccessful probe is undone).
    // `diskBound`: the disk made the download wait in this window: more connections would
    // not help, so no probe is started (a running one is still judged by its rate).
    int tick(qint64 msec, qint64 totalBytes, int flowing = 1 << 20, int busy = 0,
             bool diskBound = false);
    void cap(int connections); // the server refused more: never above this many

private:
    void probe(double rate, int to);

    int m_target;
    int m_maximum;
    qint64 m_lastMs = -1;
    qint64 m_lastBytes = 0;
    double m_peak = 0;
    bool m_probing = false;
    int m_probeFrom = 0;
    double m_probeBase = 0;
    qint64 m_cooldownMs = 0;
    qint64 m_nextProbeMs = 0;
    qint64 m_probeStartMs = 0;
    bool m_diskBound = false;
};

} // namespace bt

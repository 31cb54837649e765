#pragma once

#include <QtGlobal>

namespace bt {

// How many connections an adaptive download wants, decided on a timer from the total rate.
// It starts with one connection and probes with more: the first probe goes to four, a probe
// that paid off (the rate grew by at least a quarter of what the added connections would bring
// at the old per-connection rate) multiplies by four again; one that did not is undone (down to
// two) and retried later with one more (0.5 s, 1 s, ... 8 s). When the rate falls below half of
// the best seen (a server that throttles each connection after a burst, a congested path) it
// doubles at once. So a per-connection-throttled server gets the maximum within a few tenths
// of a second, a saturated link stays at two.
// No probe starts while the server does not throttle: a connection brings 64 MiB/s or more,
// the disk made the download wait, or the process used most of a CPU core (a fast local
// link: more connections would only cost CPU, and out-of-order writes cost a second pass
// over the file for its SHA-256).
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
    // `cpuMsec`: CPU time this process used so far (-1 unknown); a window in which it used
    // more than kCpuBoundShare of the wall time starts no probe either.
    int tick(qint64 msec, qint64 totalBytes, int flowing = 1 << 20, int busy = 0,
             bool diskBound = false, qint64 cpuMsec = -1);
    void cap(int connections); // the server refused more: never above this many

    // CPU time / wall time at or above which the process counts as the bottleneck.
    static constexpr double kCpuBoundShare = 0.6;
    // CPU time this process used so far in ms (all threads), -1 where unknown.
    static qint64 processCpuMsec();

private:
    void probe(double rate, int to);

    int m_target;
    int m_maximum;
    qint64 m_lastMs = -1;
    qint64 m_lastBytes = 0;
    qint64 m_lastCpuMs = -1;
    double m_peak = 0;
    bool m_probing = false;
    int m_probeFrom = 0;
    double m_probeBase = 0;
    qint64 m_cooldownMs = 0;
    qint64 m_nextProbeMs = 0;
    qint64 m_probeStartMs = 0;
    bool m_diskBound = false;
    int m_slowWindows = 0; // windows in a row that would start a probe
};

} // namespace bt

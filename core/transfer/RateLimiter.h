#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QtGlobal>

#include <functional>

namespace bt {

// A token bucket in bytes. Thread-safe, so one limiter can be shared by every transfer of a
// queue (global limit) while each transfer also has its own. Never blocks: callers take what
// is available and come back on a timer.
//
// Shared between clients (each transfer names itself by a `client` key), it shares the rate
// max-min fairly: every client that asked within the last 200 ms gets an equal part of each
// refill in a bucket of its own; what overflows a full bucket is shared again among the
// others (water-filling), and what none can hold goes to a common pool any client may draw
// from. So five downloads under 2 MiB/s get about 410 KiB/s each, and one that needs only
// 100 KiB/s leaves the rest to the other four in equal parts.
class RateLimiter
{
public:
    explicit RateLimiter(qint64 bytesPerSecond = 0);

    void setRate(qint64 bytesPerSecond); // 0 = unlimited
    qint64 rate() const;
    bool isLimited() const { return rate() > 0; }

    // Takes up to `wanted` bytes of budget and returns how many were granted (0..wanted).
    qint64 acquire(qint64 wanted, quintptr client = 0);
    // Gives back budget taken but not used (e.g. another limiter granted less).
    void giveBack(qint64 bytes, quintptr client = 0);
    // Milliseconds until at least `bytes` would be available (0 if now).
    qint64 msUntilAvailable(qint64 bytes) const;

    // Tests: a clock in nanoseconds instead of the real one.
    void setClock(std::function<qint64()> nowNs);

private:
    struct Client
    {
        double tokens = 0;
        qint64 lastAskNs = 0;
    };
    qint64 nowLocked() const;
    void refillLocked(); // m_mutex held

    mutable QMutex m_mutex;
    QElapsedTimer m_clock;
    std::function<qint64()> m_now;
    qint64 m_rate = 0;
    double m_tokens = 0; // the common pool
    qint64 m_lastNs = 0;
    QHash<quintptr, Client> m_clients;
};

} // namespace bt

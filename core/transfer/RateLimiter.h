#pragma once

#include <QElapsedTimer>
#include <QMutex>
#include <QtGlobal>

namespace bt {

// A token bucket in bytes. Thread-safe, so one limiter can be shared by every transfer of a
// queue (global limit) while each transfer also has its own. Never blocks: callers take what
// is available and come back on a timer.
class RateLimiter
{
public:
    explicit RateLimiter(qint64 bytesPerSecond = 0);

    void setRate(qint64 bytesPerSecond); // 0 = unlimited
    qint64 rate() const;
    bool isLimited() const { return rate() > 0; }

    // Takes up to `wanted` bytes of budget and returns how many were granted (0..wanted).
    qint64 acquire(qint64 wanted);
    // Gives back budget taken but not used (e.g. another limiter granted less).
    void giveBack(qint64 bytes);
    // Milliseconds until at least `bytes` would be available (0 if now).
    qint64 msUntilAvailable(qint64 bytes) const;

private:
    void refillLocked(); // m_mutex held

    mutable QMutex m_mutex;
    QElapsedTimer m_clock;
    qint64 m_rate = 0;
    double m_tokens = 0;
    qint64 m_lastNs = 0;
};

} // namespace bt

#pragma once

#include <QMutex>
#include <QtGlobal>
#include <memory>

namespace bt {

class RateLimiter;

// One set of limits in bytes per second; 0 = unlimited.
struct SpeedLimitSet
{
    qint64 download = 0;    // all downloads together
    qint64 upload = 0;      // all uploads together
    qint64 perTransfer = 0; // each transfer on its own
    bool operator==(const SpeedLimitSet &) const = default;
};

// The queue's speed limits: a normal and an alternative set (switched in one call), applied
// to token buckets shared by every job on every worker thread. The buckets are thread-safe
// (bt::RateLimiter); changing a limit takes effect at once for running transfers.
class SpeedLimits
{
public:
    SpeedLimits();
    ~SpeedLimits();

    void setNormal(const SpeedLimitSet &limits);
    void setAlternative(const SpeedLimitSet &limits);
    void setAlternativeEnabled(bool enabled);
    SpeedLimitSet normal() const { return m_normal; }
    SpeedLimitSet alternative() const { return m_alternative; }
    bool alternativeEnabled() const { return m_alternativeEnabled; }
    SpeedLimitSet effective() const { return m_alternativeEnabled ? m_alternative : m_normal; }

    // The limit of one transfer: its own (when set, and lower) or the per-transfer default.
    qint64 perTransferLimit(qint64 transferOwn) const;

    std::shared_ptr<RateLimiter> downloadLimiter() const { return m_download; }
    std::shared_ptr<RateLimiter> uploadLimiter() const { return m_upload; }

private:
    void apply();

    SpeedLimitSet m_normal;
    SpeedLimitSet m_alternative;
    bool m_alternativeEnabled = false;
    std::shared_ptr<RateLimiter> m_download;
    std::shared_ptr<RateLimiter> m_upload;
};

} // namespace bt

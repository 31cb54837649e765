#pragma once

#include "Error.h"

#include <QtGlobal>

namespace bt::http {

// Capped exponential backoff with jitter. The attempt count resets when a transfer
// makes progress, so a long download over a flaky link is not failed by old errors.
//
// nextDelayMs(error):
//  - -1 when the error is not transient or maxAttempts retries were already handed out;
//  - otherwise the attempt count goes up by one (attempt n, 1-based) and the delay is drawn
//    uniformly from [ceiling / 2, ceiling], ceiling = min(maxDelayMs, baseDelayMs * 2^(n-1))
//    ("equal jitter": never a near-zero delay, yet clients do not retry in lockstep);
//  - when the server sent Retry-After (error.retryAfterMs >= 0), the delay is at least
//    min(retryAfterMs, maxRetryAfterMs).
class RetryPolicy
{
public:
    struct Settings
    {
        int maxAttempts = 10; // retries after the first try
        qint64 baseDelayMs = 1000;
        qint64 maxDelayMs = 60000;
        qint64 maxRetryAfterMs = 3600000; // cap on a server's Retry-After
    };

    RetryPolicy() = default;
    explicit RetryPolicy(const Settings &settings) : m_settings(settings) {}

    // The delay before the next attempt after `error`, or -1 when the error is permanent or
    // the attempts are used up. Never less than the server's Retry-After (capped).
    qint64 nextDelayMs(const Error &error);
    void progressMade() { m_attempt = 0; }
    int attempt() const { return m_attempt; }
    const Settings &settings() const { return m_settings; }

    // For tests: the delay without jitter for attempt n (1-based).
    qint64 backoffCeilingMs(int attempt) const;

private:
    Settings m_settings;
    int m_attempt = 0;
};

} // namespace bt::http

#pragma once

#include <QByteArray>
#include <QDateTime>

namespace bt::http {

// Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date (IMF-fixdate, RFC 850 and
// asctime forms). Returns the delay in milliseconds from `now`, 0 for a date in the past,
// -1 when the value is malformed. Both forms are capped at one year. An RFC 850 two-digit
// year more than 50 years ahead is taken as the previous century (RFC 9110 5.6.7).
qint64 parseRetryAfterMs(const QByteArray &value, const QDateTime &now);

// Parse an HTTP-date in any of the three forms (English names whatever the locale, "GMT"
// only); a UTC QDateTime, or an invalid one on failure.
QDateTime parseHttpDate(const QByteArray &value);

} // namespace bt::http

#pragma once

#include <QByteArray>
#include <optional>

namespace bt::http {

// Content-Range: bytes FIRST-LAST/TOTAL (RFC 9110 14.4). TOTAL may be "*" (-1).
// "bytes */TOTAL" (unsatisfied range, 416) gives first = last = -1.
// Strict: unit "bytes" (any case), digits only (at most 18, so no overflow), no spaces inside
// the range, first <= last, last < total when the total is known. nullopt otherwise.
struct ContentRange
{
    qint64 first = -1;
    qint64 last = -1;
    qint64 total = -1;
    qint64 length() const { return first < 0 ? 0 : last - first + 1; }
};

std::optional<ContentRange> parseContentRange(const QByteArray &value);

} // namespace bt::http

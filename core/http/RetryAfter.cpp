#include "RetryAfter.h"

#include <QDate>
#include <QList>
#include <QTime>

namespace bt::http {

namespace {

constexpr qint64 kMaxDelaySeconds = 365LL * 24 * 3600; // a year: anything longer is absurd

bool allDigits(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// Exactly `digits` decimal digits (or 1..digits when `exact` is false).
int number(const QByteArray &s, int digits, bool exact = true)
{
    if (s.isEmpty() || s.size() > digits || (exact && s.size() != digits) || !allDigits(s))
        return -1;
    return s.toInt();
}

int monthNumber(const QByteArray &m)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i) {
        if (m == names[i])
            return i + 1;
    }
    return -1;
}

bool isDayName(const QByteArray &d, bool longForm)
{
    static const char *const shortNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const longNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                            "Friday", "Saturday", "Sunday"};
    for (int i = 0; i < 7; ++i) {
        if (d == (longForm ? longNames[i] : shortNames[i]))
            return true;
    }
    return false;
}

// "HH:MM:SS"
QTime parseTime(const QByteArray &s)
{
    if (s.size() != 8 || s.at(2) != ':' || s.at(5) != ':')
        return {};
    const int h = number(s.mid(0, 2), 2);
    const int m = number(s.mid(3, 2), 2);
    int sec = number(s.mid(6, 2), 2);
    if (sec == 60)
        sec = 59;            // a leap second: near enough
    return QTime(h, m, sec); // invalid when out of range
}

QDateTime makeUtc(int year, int month, int day, const QTime &time)
{
    const QDate date(year, month, day);
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, Qt::UTC);
}

// RFC 9110 5.6.7: a two-digit year more than 50 years in the future is in the past century.
int expandTwoDigitYear(int yy)
{
    const int currentYear = QDate::currentDate().year();
    int year = currentYear - currentYear % 100 + yy;
    if (year > currentYear + 50)
        year -= 100;
    return year;
}

} // namespace

QDateTime parseHttpDate(const QByteArray &value)
{
    const QByteArray s = value.trimmed();
    if (s.size() > 64)
        return {};
    const QList<QByteArray> f = s.split(' ');

    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (f.size() == 6 && f[0].size() == 4 && f[0].endsWith(',') &&
        isDayName(f[0].chopped(1), false) && f[5] == "GMT") {
        const int day = number(f[1], 2);
        const int month = monthNumber(f[2]);
        const int year = number(f[3], 4);
        if (day < 0 || month < 0 || year < 0)
            return {};
        return makeUtc(year, month, day, parseTime(f[4]));
    }

    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    if (f.size() == 4 && f[0].endsWith(',') && isDayName(f[0].chopped(1), true) && f[3] == "GMT") {
        const QList<QByteArray> d = f[1].split('-');
        if (d.size() != 3)
            return {};
        const int day = number(d[0], 2);
        const int month = monthNumber(d[1]);
        const int yy = number(d[2], 2);
        if (day < 0 || month < 0 || yy < 0)
            return {};
        return makeUtc(expandTwoDigitYear(yy), month, day, parseTime(f[2]));
    }

    // asctime: "Sun Nov  6 08:49:37 1994" (a one-digit day is padded with a space, which
    // makes an empty field in the split).
    QList<QByteArray> a = f;
    if (a.size() == 6 && a[2].isEmpty())
        a.removeAt(2);
    if (a.size() == 5 && isDayName(a[0], false)) {
        const int month = monthNumber(a[1]);
        const bool padded = a.size() != f.size();
        const int day = number(a[2], padded ? 1 : 2);
        const int year = number(a[4], 4);
        if (day < 0 || month < 0 || year < 0)
            return {};
        return makeUtc(year, month, day, parseTime(a[3]));
    }
    return {};
}

qint64 parseRetryAfterMs(const QByteArray &value, const QDateTime &now)
{
    const QByteArray s = value.trimmed();
    if (allDigits(s)) {
        // More digits than a qint64 holds is "a very long time": cap instead of failing.
        qint64 seconds = kMaxDelaySeconds;
        if (s.size() <= 18)
            seconds = qMin(s.toLongLong(), kMaxDelaySeconds);
        return seconds * 1000;
    }
    const QDateTime when = parseHttpDate(s);
    if (!when.isValid())
        return -1;
    const qint64 ms = now.msecsTo(when);
    return qBound<qint64>(0, ms, kMaxDelaySeconds * 1000);
}

} // namespace bt::http

#include "CookieFile.h"

#include <QDateTime>

namespace bt::http {

namespace {

constexpr qint64 kMaxExpiry = 253402300799LL; // 9999-12-31T23:59:59Z, QDateTime's comfort zone

bool parseFlag(const QByteArray &s, bool *out)
{
    if (s.compare("TRUE", Qt::CaseInsensitive) == 0) {
        *out = true;
        return true;
    }
    if (s.compare("FALSE", Qt::CaseInsensitive) == 0) {
        *out = false;
        return true;
    }
    return false;
}

bool parseExpiry(const QByteArray &s, qint64 *out)
{
    if (s.isEmpty() || s.size() > 18)
        return false;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    *out = qMin(s.toLongLong(), kMaxExpiry);
    return true;
}

bool hasControl(const QByteArray &s)
{
    for (const char c : s) {
        if (uchar(c) < 0x20 || uchar(c) == 0x7f)
            return true;
    }
    return false;
}

// A name that would not survive the trip into a Cookie header as one cookie.
bool isBadName(const QByteArray &s)
{
    return s.isEmpty() || hasControl(s) || s.contains(' ') || s.contains('=') || s.contains(';') ||
           s.contains(',');
}

} // namespace

QList<QNetworkCookie> parseCookieFile(const QByteArray &content, int *skipped)
{
    static const QByteArray httpOnlyPrefix("#HttpOnly_");
    QList<QNetworkCookie> cookies;
    int bad = 0;
    const QList<QByteArray> lines = content.split('\n');
    for (QByteArray line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
        bool httpOnly = false;
        if (line.startsWith(httpOnlyPrefix)) {
            httpOnly = true;
            line = line.mid(httpOnlyPrefix.size());
        } else if (line.startsWith('#') || line.trimmed().isEmpty()) {
            continue;
        }

        QList<QByteArray> f = line.split('\t');
        if (f.size() == 6)
            f.append(QByteArray()); // as curl reads it: a cookie with an empty value
        if (f.size() != 7) {
            ++bad;
            continue;
        }
        QByteArray domain = f[0];
        bool includeSubdomains = false;
        bool secure = false;
        qint64 expiry = 0;
        const QByteArray &path = f[2];
        const QByteArray &name = f[5];
        if (!parseFlag(f[1], &includeSubdomains) || !parseFlag(f[3], &secure) ||
            !parseExpiry(f[4], &expiry) || isBadName(name) || hasControl(f[6]) ||
            hasControl(path)) {
            ++bad;
            continue;
        }
        // As curl does, the flag decides; QNetworkCookieJar reads a leading dot as
        // "this domain and its subdomains" and no dot as "this host only".
        while (domain.startsWith('.'))
            domain.remove(0, 1);
        if (domain.isEmpty() || hasControl(domain) || domain.contains(' ')) {
            ++bad;
            continue;
        }
        if (includeSubdomains)
            domain.prepend('.');

        QNetworkCookie cookie(name, f[6]);
        cookie.setDomain(QString::fromUtf8(domain));
        cookie.setPath(path.isEmpty() ? QStringLiteral("/") : QString::fromUtf8(path));
        cookie.setSecure(secure);
        cookie.setHttpOnly(httpOnly);
        if (expiry > 0) // 0: a session cookie
            cookie.setExpirationDate(QDateTime::fromSecsSinceEpoch(expiry, Qt::UTC));
        cookies.append(cookie);
    }
    if (skipped)
        *skipped = bad;
    return cookies;
}

} // namespace bt::http

#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkCookie>

namespace bt::http {

// The Netscape cookie file format that browsers and curl export: tab-separated
// domain, include-subdomains, path, secure, expiry, name, value; '#' comments, and the
// "#HttpOnly_" prefix. Malformed lines are skipped (their count in *skipped).
// As curl does: the include-subdomains flag decides the domain's leading dot (the way
// QNetworkCookieJar matches: ".example.com" = with subdomains, "example.com" = that host
// only), expiry 0 = session cookie, and a line of 6 fields is a cookie with an empty value.
// Names with '=', ';', ',' or spaces, and control characters anywhere, make a line malformed.
QList<QNetworkCookie> parseCookieFile(const QByteArray &content, int *skipped = nullptr);

} // namespace bt::http

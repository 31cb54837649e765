#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkCookie>

namespace bt::http {

// The Netscape cookie file format that browsers and curl export: tab-separated
// domain, include-subdomains, path, secure, expiry, name, value; '#' comments, and the
// "#HttpOnly_" prefix. Malformed lines are skipped (their count in *skipped).
QList<QNetworkCookie> parseCookieFile(const QByteArray &content, int *skipped = nullptr);

} // namespace bt::http

#pragma once

#include <QByteArray>
#include <QUrl>

namespace bt::http {

// The origin rule for credentials (curl's, after CVE-2018-1000007 and CVE-2022-27776):
// a user name and password, an Authorization header and a Cookie header given for one
// origin - scheme, host and port - go only to that origin, never to where a redirect or a
// stored address points. Cookies from a cookie file follow their own domain/path rules.

// Same scheme, host (case-insensitive) and port, the scheme's default port filled in.
bool sameOrigin(const QUrl &a, const QUrl &b);

// Authorization and Cookie: the headers curl drops on a redirect to another origin.
bool isCredentialHeader(const QByteArray &name);

} // namespace bt::http

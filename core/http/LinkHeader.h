#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <QUrl>

namespace bt::http {

// One link of a Link header (RFC 8288): `<URI>; rel="a b"; pri=1`.
struct LinkValue
{
    QUrl url;              // resolved against the answer's URL
    QStringList relations; // rel, lower case, split at spaces
    int priority = 999999; // RFC 6249's pri (lower is preferred), when given
};

// Every link of `value` (several Link headers joined with ", " are one value), in order,
// sorted by RFC 6249's pri where given. Malformed links are skipped.
QList<LinkValue> parseLinkHeader(const QByteArray &value, const QUrl &base);

} // namespace bt::http

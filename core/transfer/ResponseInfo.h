#pragma once

#include "Error.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QUrl>

namespace bt {

// What one HTTP answer said, read once from the reply when its headers arrive.
struct ResponseInfo
{
    int status = 0;
    QByteArray reason;
    QUrl url;                  // final URL after redirects
    qint64 contentLength = -1; // -1: none, chunked (which overrides it), or unusable
    // The Content-Length value(s) when they cannot be one length: different values in several
    // headers (Qt joins them with ", ") or not a number. RFC 9112 6.3: an invalid message.
    QByteArray badContentLength;
    QByteArray contentRange;
    QByteArray acceptRanges;
    QByteArray etag; // as sent (may be weak)
    QByteArray lastModified;
    QByteArray contentDisposition;
    QByteArray digest;
    QByteArray reprDigest;
    QByteArray retryAfter;
    QByteArray link;              // Link (RFC 8288): a server's mirrors (rel=duplicate, RFC 6249)
    bool chunked = false;         // Transfer-Encoding: chunked
    bool connectionClose = false; // the server said it closes the connection after this answer

    static ResponseInfo fromReply(QNetworkReply *reply);

    bool rangesAccepted() const;   // Accept-Ranges: bytes
    QByteArray strongEtag() const; // empty for a weak ("W/") or missing ETag

    // The error for a status other than 200/206: 408/429/5xx transient (with Retry-After,
    // capped), other statuses permanent. Message "HTTP 404 Not Found".
    Error statusError(qint64 maxRetryAfterMs) const;
    // The error for a failed connection (no usable HTTP status).
    static Error networkError(QNetworkReply::NetworkError code, const QString &text);
};

} // namespace bt

#include "transfer/ResponseInfo.h"

#include "http/RetryAfter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QNetworkRequest>

namespace bt {

ResponseInfo ResponseInfo::fromReply(QNetworkReply *reply)
{
    ResponseInfo r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    r.url = reply->url();
    r.chunked = reply->rawHeader("Transfer-Encoding").toLower().contains("chunked");
    const QByteArray length = reply->rawHeader("Content-Length").trimmed();
    if (!length.isEmpty()) {
        // Identical repeated values count as one (RFC 9110 8.6), anything else is invalid.
        qint64 n = -1;
        for (const QByteArray &part : length.split(',')) {
            bool ok = false;
            const qint64 value = part.trimmed().toLongLong(&ok);
            if (!ok || value < 0 || (n >= 0 && value != n)) {
                n = -1;
                r.badContentLength = length;
                break;
            }
            n = value;
        }
        // Transfer-Encoding wins over Content-Length (RFC 9112 6.3), as Qt reads the body.
        r.contentLength = r.chunked ? -1 : n;
    }
    r.contentRange = reply->rawHeader("Content-Range").trimmed();
    r.acceptRanges = reply->rawHeader("Accept-Ranges").trimmed();
    r.etag = reply->rawHeader("ETag").trimmed();
    r.lastModified = reply->rawHeader("Last-Modified").trimmed();
    r.contentDisposition = reply->rawHeader("Content-Disposition");
    r.digest = reply->rawHeader("Digest");
    r.reprDigest = reply->rawHeader("Repr-Digest");
    r.retryAfter = reply->rawHeader("Retry-After").trimmed();
    r.link = reply->rawHeader("Link");
    r.connectionClose = reply->rawHeader("Connection").toLower().contains("close");
    return r;
}

bool ResponseInfo::rangesAccepted() const
{
    return acceptRanges.toLower().split(',').contains("bytes") ||
           acceptRanges.trimmed().compare("bytes", Qt::CaseInsensitive) == 0;
}

QByteArray ResponseInfo::strongEtag() const
{
    if (etag.isEmpty() || etag.startsWith("W/") || etag.startsWith("w/"))
        return {};
    return etag;
}

Error ResponseInfo::statusError(qint64 maxRetryAfterMs) const
{
    Error e;
    e.httpStatus = status;
    const QString text =
        reason.isEmpty()
            ? QStringLiteral("HTTP %1").arg(status)
            : QStringLiteral("HTTP %1 %2").arg(status).arg(QString::fromLatin1(reason));
    e.message = text;
    if (status == 407)
        e.message = QCoreApplication::translate("bt::HttpDownload",
                                                "%1: the proxy wants credentials (give them in "
                                                "the proxy URL: http://user:password@host:port)")
                        .arg(text);
    const bool transient = status == 408 || status == 429 || status >= 500;
    e.code = transient ? ErrorCode::HttpTransient : ErrorCode::HttpPermanent;
    if (status == 416) {
        e.code = ErrorCode::Protocol;
    }
    if (transient && !retryAfter.isEmpty()) {
        const qint64 ms = http::parseRetryAfterMs(retryAfter, QDateTime::currentDateTimeUtc());
        if (ms >= 0) {
            e.retryAfterMs = maxRetryAfterMs >= 0 ? qMin(ms, maxRetryAfterMs) : ms;
            // Say whose wait it is: the server's, or the cap on it.
            e.message += e.retryAfterMs < ms
                             ? QCoreApplication::translate(
                                   "bt::HttpDownload",
                                   " (the server asked to wait %1 s; waiting at most %2 s)")
                                   .arg((ms + 999) / 1000)
                                   .arg(e.retryAfterMs / 1000)
                             : QCoreApplication::translate("bt::HttpDownload",
                                                           " (the server asked to wait %1 s)")
                                   .arg((ms + 999) / 1000);
        }
    }
    return e;
}

Error ResponseInfo::networkError(QNetworkReply::NetworkError code, const QString &text)
{
    Error e;
    e.message = text;
    switch (code) {
    case QNetworkReply::TooManyRedirectsError:
        e.code = ErrorCode::TooManyRedirects;
        e.message = QCoreApplication::translate("bt::HttpDownload",
                                                "Too many redirects (a redirect loop?): %1")
                        .arg(text);
        break;
    case QNetworkReply::InsecureRedirectError:
        e.code = ErrorCode::HttpPermanent;
        e.message = QCoreApplication::translate("bt::HttpDownload",
                                                "Refused a redirect from HTTPS to HTTP: %1")
                        .arg(text);
        break;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        e.code = ErrorCode::Timeout;
        break;
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        e.code = ErrorCode::InvalidArgument;
        break;
    case QNetworkReply::ProtocolFailure:
        e.code = ErrorCode::Protocol;
        break;
    // FTP and SFTP (no HTTP status): a refused login, a missing or forbidden file are final.
    case QNetworkReply::AuthenticationRequiredError:
    case QNetworkReply::ContentNotFoundError:
    case QNetworkReply::ContentAccessDenied:
        e.code = ErrorCode::HttpPermanent;
        break;
    case QNetworkReply::SslHandshakeFailedError:
        // An untrusted certificate or a wrong host name does not heal by retrying.
        e.code = ErrorCode::Tls;
        e.message = QCoreApplication::translate("bt::HttpDownload", "TLS error: %1").arg(text);
        break;
    case QNetworkReply::ProxyAuthenticationRequiredError:
        e.code = ErrorCode::HttpPermanent;
        e.httpStatus = 407;
        e.message = QCoreApplication::translate(
                        "bt::HttpDownload",
                        "HTTP 407: the proxy wants credentials (give them in the proxy URL: "
                        "http://user:password@host:port): %1")
                        .arg(text);
        break;
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
        e.code = ErrorCode::Network;
        e.message = QCoreApplication::translate("bt::HttpDownload", "Proxy error: %1").arg(text);
        break;
    default:
        e.code = ErrorCode::Network;
        break;
    }
    return e;
}

} // namespace bt

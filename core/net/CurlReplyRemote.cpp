#include "net/CurlReply.h"

#include "net/CurlErrors.h"
#include "net/CurlMulti.h"
#include "net/RemoteFileProtocol.h"

#include <QTimer>

#include <curl/curl.h>

// What a CurlReply does for FTP, FTPS and SFTP beyond HTTP (RemoteFileProtocol has the
// protocols' own settings): the request's offset, the FTPS nudge, the HTTP-shaped answer and
// the errors.

namespace bt {

void CurlReply::setUpRemote(const QNetworkRequest &request)
{
    m_remoteFirst = RemoteFileProtocol::requestedOffset(request);
    curl_easy_setopt(static_cast<CURL *>(m_easy), CURLOPT_URL,
                     RemoteFileProtocol::setUp(m_easy, request).constData());
    if (request.url().scheme().compare(QLatin1String("ftps"), Qt::CaseInsensitive) == 0)
        nudgeUntilMoving();
}

// libcurl 7.88 (multi_socket API) stops watching an FTPS control connection while the data
// connection's TLS handshake is pending. vsftpd answers that handshake only after RETR or STOR,
// which curl sends only once it has read the answer to TYPE or SIZE on the control connection:
// both waited for ever (about half of the transfers against vsftpd 3.0.3). A pause and resume
// every 500 ms until the transfer moves has curl run it at once, reading the control
// connection without waiting for an event.
void CurlReply::nudgeUntilMoving()
{
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, [this, timer] {
        if (!m_easy || !m_multi || m_done || m_final || m_sent > 0 || m_sendPaused ||
            m_recvPaused) {
            timer->stop();
            timer->deleteLater();
            return;
        }
        m_multi->pause(m_easy, CURLPAUSE_RECV);
        m_multi->pause(m_easy, CURLPAUSE_CONT);
    });
    timer->start(500);
}

void CurlReply::remoteAnswer()
{
    QList<QPair<QByteArray, QByteArray>> headers;
    const int status = RemoteFileProtocol::answer(m_easy, m_remoteFirst, &headers);
    m_final = true;
    m_headerEnded = true;
    setAttribute(QNetworkRequest::HttpStatusCodeAttribute, status);
    for (const auto &header : std::as_const(headers))
        setRawHeader(header.first, header.second);
    m_metaPending = true;
    if (m_multi)
        m_multi->markPending(this);
}

void CurlReply::remoteEnded(int curlCode, long *status, QString *text)
{
    if (curlCode == CURLE_OK && !m_final && !m_aborted)
        remoteAnswer(); // an empty file: no body to announce it
    *status = m_final ? attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
    if (const QString why = RemoteFileProtocol::describeFailure(url(), curlCode); !why.isEmpty())
        *text = why;
}

QNetworkReply::NetworkError CurlReply::remoteError(int curlCode)
{
    switch (CURLcode(curlCode)) {
    case CURLE_LOGIN_DENIED:
        return AuthenticationRequiredError;
    case CURLE_REMOTE_FILE_NOT_FOUND:
        return ContentNotFoundError;
    case CURLE_REMOTE_ACCESS_DENIED:
        return ContentAccessDenied;
    case CURLE_USE_SSL_FAILED:
        return SslHandshakeFailedError;
    case CURLE_UPLOAD_FAILED: // STOR / APPE refused, or no SFTP handle for writing
    case CURLE_QUOTE_ERROR:   // the rename into place refused
        return ContentAccessDenied;
    default:
        return curl::networkError(curlCode, false);
    }
}

} // namespace bt

#include "transfer/NetworkSetup.h"

#include "http/Origin.h"
#include "net/RemoteFileProtocol.h"

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QNetworkReply>
#include <QSslConfiguration>

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace bt {

Error NetworkSetup::checkHttpUrl(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    if (url.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https")))
        return {};
    return {ErrorCode::InvalidArgument,
            QCoreApplication::translate("bt::NetworkSetup", "Not an HTTP or HTTPS URL: %1")
                .arg(url.toString())};
}

void NetworkSetup::tuneMalloc()
{
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_ARENA_MAX, 2);
        // The bytes between curl and the disk come and go in pieces of 16-256 KiB, a few MiB
        // at a time. glibc's defaults give the top of the heap back after each burst
        // (trimming above 2x a threshold that moves) and the next piece faults its pages in
        // again: 1 GiB on one connection spent 2 s of CPU in brk() and page faults, twice
        // curl's whole run. Fixed thresholds keep those pieces on the heap and keep what
        // one transfer's buffers need mapped; the peak (what RSS limits see) does not move.
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
        mallopt(M_TRIM_THRESHOLD, 4 << 20);
    });
#endif
}

QByteArray NetworkSetup::userAgent()
{
    return QByteArrayLiteral("btstream/") + QByteArray(BT_VERSION);
}

QNetworkRequest NetworkSetup::buildRequest(const DownloadRequest &request, const QUrl &url,
                                           qint64 first, qint64 last, const QByteArray &ifRange)
{
    QNetworkRequest r(url);
    // SegmentDownloader follows redirects itself (see redirectRequest()): Qt's own policies
    // resend every raw header, credentials included, to whatever host a Location names.
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    r.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    r.setRawHeader("User-Agent", userAgent());
    // Setting Accept-Encoding ourselves turns off Qt's transparent decompression.
    r.setRawHeader("Accept-Encoding", "identity");
    r.setRawHeader("Want-Repr-Digest", "sha-256=10, sha-512=3");
    if (first >= 0) {
        const QByteArray range = "bytes=" + QByteArray::number(first) + '-' +
                                 (last >= 0 ? QByteArray::number(last) : QByteArray());
        r.setRawHeader("Range", range);
        if (!ifRange.isEmpty())
            r.setRawHeader("If-Range", ifRange);
    }
    setCredentials(&r, request.url, basicAuthorization(userOf(request)), request.headers);
    applyTls(&r, request.insecure, request.caCertFile);
    return r;
}

void NetworkSetup::setCredentials(QNetworkRequest *r, const QUrl &origin,
                                  const QByteArray &authorization,
                                  const QList<QPair<QByteArray, QByteArray>> &headers)
{
    // Whatever an earlier hop carried goes first, in whatever case the person wrote it.
    r->setRawHeader("Authorization", {});
    r->setRawHeader("Cookie", {});
    for (const auto &header : headers) {
        if (http::isCredentialHeader(header.first))
            r->setRawHeader(header.first, {});
    }
    const bool trusted = http::sameOrigin(r->url(), origin);
    if (!authorization.isEmpty() && trusted)
        r->setRawHeader("Authorization", authorization);
    for (const auto &header : headers) {
        if (trusted || !http::isCredentialHeader(header.first))
            r->setRawHeader(header.first, header.second);
    }
}

Error NetworkSetup::checkRedirect(const QUrl &from, const QUrl &target)
{
    const QString scheme = target.scheme().toLower();
    if (!target.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return {ErrorCode::HttpPermanent,
                QCoreApplication::translate("bt::HttpDownload",
                                            "The server redirected to an address that is not "
                                            "HTTP or HTTPS: %1")
                    .arg(target.toString())};
    if (from.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0 &&
        scheme == QLatin1String("http"))
        return {ErrorCode::HttpPermanent,
                QCoreApplication::translate("bt::HttpDownload",
                                            "Refused a redirect from HTTPS to HTTP: %1")
                    .arg(target.toString())};
    return {};
}

QString NetworkSetup::userOf(const DownloadRequest &request)
{
    if (!request.user.isEmpty() || request.urlPassword.isEmpty())
        return request.user;
    return request.url.userName() + QLatin1Char(':') + request.urlPassword;
}

Error NetworkSetup::checkDownloadUrl(const QUrl &url)
{
    if (url.isValid() && RemoteFileProtocol::isRemoteFile(url) && !url.host().isEmpty())
        return {};
    return checkHttpUrl(url);
}

QByteArray NetworkSetup::basicAuthorization(const QString &user)
{
    return user.isEmpty() ? QByteArray() : "Basic " + user.toUtf8().toBase64();
}

NetworkSetup::RedirectRules NetworkSetup::redirectRules(const DownloadRequest &request)
{
    return {request.url,        basicAuthorization(userOf(request)),
            request.headers,    request.insecure,
            request.caCertFile, request.maxRedirects};
}

Error NetworkSetup::nextHop(const QNetworkReply *reply, int hop, const RedirectRules &rules,
                            QNetworkRequest *next)
{
    const QUrl from = reply->url();
    const QUrl target = from.resolved(QUrl::fromEncoded(reply->rawHeader("Location").trimmed()));
    if (hop > rules.maxRedirects)
        return {ErrorCode::TooManyRedirects,
                QCoreApplication::translate(
                    "bt::HttpDownload",
                    "Too many redirects (a redirect loop?): more than %1, the last to %2")
                    .arg(rules.maxRedirects)
                    .arg(target.toString())};
    if (const Error error = checkRedirect(from, target); error.isError())
        return error;
    *next = reply->request();
    next->setUrl(target);
    setCredentials(next, rules.origin, rules.authorization, rules.headers);
    next->setSslConfiguration(QSslConfiguration::defaultConfiguration());
    applyTls(next, rules.insecure, rules.caFile);
    return {};
}

void NetworkSetup::applyTls(QNetworkRequest *request, bool insecure, const QString &caFile)
{
#if QT_CONFIG(ssl)
    if (request->url().scheme() != QLatin1String("https") || (!insecure && caFile.isEmpty()))
        return;
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (insecure)
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    else
        ssl.setCaCertificates(caCertificates(caFile)); // none loaded: nothing is trusted
    request->setSslConfiguration(ssl);
#else
    Q_UNUSED(request);
    Q_UNUSED(insecure);
    Q_UNUSED(caFile);
#endif
}

QList<QSslCertificate> NetworkSetup::caCertificates(const QString &path)
{
    // Every segment request asks again: parse the file once per process.
    static QMutex mutex;
    static QHash<QString, QList<QSslCertificate>> cache;
    QMutexLocker lock(&mutex);
    const auto it = cache.constFind(path);
    if (it != cache.constEnd())
        return *it;
    QList<QSslCertificate> certs = QSslCertificate::fromPath(path, QSsl::Pem);
    if (certs.isEmpty())
        certs = QSslCertificate::fromPath(path, QSsl::Der);
    if (!certs.isEmpty())
        cache.insert(path, certs);
    return certs;
}

} // namespace bt

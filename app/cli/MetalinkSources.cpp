#include "MetalinkSources.h"

#include "http/Origin.h"
#include "metalink/Metalink.h"
#include "net/CurlReply.h"
#include "net/HttpClient.h"
#include "transfer/NetworkSetup.h"
#include "transfer/ResponseInfo.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace bt::cli {

bool MetalinkSources::readFile(const QString &path, const DownloadRequest &base,
                               QList<DownloadRequest> *requests, QStringList *warnings,
                               QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read the metalink '%1': %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxSize) {
        *error = tr("'%1' is too large for a metalink (%2 bytes)").arg(path).arg(file.size());
        return false;
    }
    metalink::Metalink parsed;
    QString why;
    if (!metalink::parse(file.readAll(), QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()),
                         &parsed, &why)) {
        *error = tr("the metalink '%1': %2").arg(path, why);
        return false;
    }
    *requests += metalink::requestsFor(parsed, base);
    *warnings += parsed.warnings;
    return true;
}

bool MetalinkSources::isMetalinkUrl(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return (scheme == QLatin1String("http") || scheme == QLatin1String("https")) &&
           metalink::looksLikeMetalink(url.path());
}

MetalinkSources::MetalinkSources(QObject *parent) : QObject(parent) {}

MetalinkSources::~MetalinkSources() = default;

void MetalinkSources::fetch(const QList<DownloadRequest> &sources, const QString &proxy)
{
    m_sources = sources;
    if (!m_client) {
        m_client = new HttpClient(this);
        m_client->setProxy(proxy);
    }
    next();
}

void MetalinkSources::next()
{
    if (m_sources.isEmpty()) {
        Q_EMIT finished();
        return;
    }
    m_hops = 0;
    const DownloadRequest &source = m_sources.first();
    send(NetworkSetup::buildRequest(source, source.url, -1, -1, {}));
}

void MetalinkSources::send(const QNetworkRequest &request)
{
    const DownloadRequest &source = m_sources.first();
    CurlReply::Options options;
    options.insecure = source.insecure;
    options.caFile = source.caCertFile;
    options.keepAnswer = kMaxSize;
    m_reply = m_client->send("GET", request, nullptr, options, this);
    connect(m_reply, &QNetworkReply::finished, this, &MetalinkSources::onFinished);
}

void MetalinkSources::onFinished()
{
    CurlReply *reply = m_reply;
    if (!reply)
        return;
    reply->deleteLater();
    m_reply = nullptr;
    const DownloadRequest source = m_sources.takeFirst();
    const ResponseInfo info = ResponseInfo::fromReply(reply);
    Error error;
    QList<DownloadRequest> requests;
    QStringList warnings;
    const int status = info.status;
    if (status >= 300 && status < 400 && !reply->rawHeader("Location").isEmpty()) {
        QNetworkRequest hop;
        error = NetworkSetup::nextHop(reply, ++m_hops, NetworkSetup::redirectRules(source), &hop);
        if (!error.isError()) {
            m_sources.prepend(source);
            send(hop);
            return;
        }
    } else if (reply->error() != QNetworkReply::NoError && status == 0) {
        error = ResponseInfo::networkError(reply->error(), reply->errorString());
    } else if (status != 200) {
        error = info.statusError(0);
    } else {
        metalink::Metalink parsed;
        QString why;
        const QUrl base = info.url.isValid() ? info.url : source.url;
        if (metalink::parse(reply->readAll(), base, &parsed, &why)) {
            requests = metalink::requestsFor(parsed, source);
            warnings = parsed.warnings;
            // Credentials given for the metalink's server go to no other server it names.
            for (DownloadRequest &request : requests) {
                if (http::sameOrigin(request.url, source.url))
                    continue;
                request.user.clear();
                request.urlPassword.clear();
                request.headers.removeIf(
                    [](const auto &header) { return http::isCredentialHeader(header.first); });
            }
        } else {
            error = Error{ErrorCode::InvalidArgument,
                          tr("the metalink %1: %2").arg(source.url.toString(), why), 0, -1};
        }
    }
    if (error.isError())
        error.message =
            tr("cannot read the metalink %1: %2").arg(source.url.toString(), error.message);
    Q_EMIT fetched(source, requests, warnings, error);
    next();
}

} // namespace bt::cli

#include "net/HttpClient.h"

#include "net/CurlMulti.h"
#include "net/ProxyConfig.h"

namespace bt {

HttpClient::HttpClient(QObject *parent) : QObject(parent), m_multi(new CurlMulti(this)) {}

HttpClient::~HttpClient() = default;

QByteArray HttpClient::proxyFor(const QUrl &url) const
{
    return ProxyConfig::forUrl(url, m_proxySetting);
}

CurlReply *HttpClient::send(const QByteArray &verb, const QNetworkRequest &request, QIODevice *body,
                            CurlReply::Options options, QObject *parent)
{
    options.proxy = proxyFor(request.url());
    return new CurlReply(m_multi, verb, request, body, options, parent);
}

int HttpClient::runningCount() const
{
    return m_multi->runningCount();
}

} // namespace bt

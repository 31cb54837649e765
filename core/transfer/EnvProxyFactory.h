#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QString>

namespace bt {

// The system's proxies (Qt reads http_proxy, https_proxy and no_proxy, upper-case too, through
// libproxy; on a desktop, its settings), with no_proxy also read as curl and wget read it:
// "*" means every host, and "example.org" (or ".example.org") covers its subdomains too.
// libproxy alone takes "example.org" for that one host and does not know "*". Whatever this
// does not match (addresses, CIDR ranges, host:port) is left to libproxy.
class EnvProxyFactory : public QNetworkProxyFactory
{
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query) override;

    // True when the no_proxy list `noProxy` (comma- or space-separated) names `host` the
    // curl way. Pure: for tests.
    static bool bypasses(const QString &host, const QByteArray &noProxy);
};

} // namespace bt

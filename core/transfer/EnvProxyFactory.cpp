#include "transfer/EnvProxyFactory.h"

#include <QRegularExpression>

namespace bt {

QList<QNetworkProxy> EnvProxyFactory::queryProxy(const QNetworkProxyQuery &query)
{
    QByteArray noProxy = qgetenv("no_proxy");
    if (noProxy.isEmpty())
        noProxy = qgetenv("NO_PROXY");
    if (!noProxy.isEmpty() && bypasses(query.peerHostName(), noProxy))
        return {QNetworkProxy(QNetworkProxy::NoProxy)};
    return systemProxyForQuery(query);
}

bool EnvProxyFactory::bypasses(const QString &host, const QByteArray &noProxy)
{
    QString name = host.toLower();
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name.isEmpty())
        return false;
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList entries =
        QString::fromLocal8Bit(noProxy).toLower().split(separators, Qt::SkipEmptyParts);
    for (QString entry : entries) {
        if (entry == QLatin1String("*"))
            return true;
        if (entry.contains(QLatin1Char(':')) || entry.contains(QLatin1Char('/')))
            continue; // host:port, CIDR, IPv6: libproxy's
        if (entry.startsWith(QLatin1String("*.")))
            entry.remove(0, 2);
        else if (entry.startsWith(QLatin1Char('.')))
            entry.remove(0, 1);
        if (entry.endsWith(QLatin1Char('.')))
            entry.chop(1);
        if (!entry.isEmpty() && (name == entry || name.endsWith(QLatin1Char('.') + entry)))
            return true;
    }
    return false;
}

} // namespace bt

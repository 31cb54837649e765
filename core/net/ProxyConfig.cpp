#include "net/ProxyConfig.h"

#include <QHostAddress>
#include <QRegularExpression>

namespace bt {

namespace {
QByteArray firstSet(std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        const QByteArray value = qgetenv(name).trimmed();
        if (!value.isEmpty())
            return value;
    }
    return {};
}
} // namespace

QByteArray ProxyConfig::forUrl(const QUrl &url, const QString &setting)
{
    if (isLoopback(url.host()))
        return {};
    if (!setting.isEmpty()) {
        if (setting.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
            return {};
        return setting.trimmed().toUtf8();
    }
    const QByteArray noProxy = firstSet({"no_proxy", "NO_PROXY"});
    if (!noProxy.isEmpty() && bypasses(url.host(), noProxy))
        return {};
    const bool https = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    const QByteArray own =
        https ? firstSet({"https_proxy", "HTTPS_PROXY"}) : firstSet({"http_proxy", "HTTP_PROXY"});
    return own.isEmpty() ? firstSet({"all_proxy", "ALL_PROXY"}) : own;
}

QString ProxyConfig::describe(const QByteArray &proxy)
{
    if (proxy.isEmpty())
        return {};
    QUrl url = QUrl::fromEncoded(proxy.contains("://") ? proxy : "http://" + proxy);
    if (!url.isValid() || url.host().isEmpty())
        return QString::fromUtf8(proxy);
    const int port = url.port(1080); // curl's default for every proxy scheme
    return QStringLiteral("%1:%2").arg(url.host()).arg(port);
}

bool ProxyConfig::isLoopback(const QString &host)
{
    const QString name = host.toLower();
    if (name == QLatin1String("localhost") || name.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(name);
    return !address.isNull() && address.isLoopback();
}

bool ProxyConfig::bypasses(const QString &host, const QByteArray &noProxy)
{
    QString name = host.toLower();
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name.isEmpty())
        return false;
    const QHostAddress address(name);
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList entries =
        QString::fromLocal8Bit(noProxy).toLower().split(separators, Qt::SkipEmptyParts);
    for (QString entry : entries) {
        if (entry == QLatin1String("*"))
            return true;
        if (entry.contains(QLatin1Char('/'))) { // a CIDR range, as curl 7.86 reads them
            if (!address.isNull() && address.isInSubnet(QHostAddress::parseSubnet(entry)))
                return true;
            continue;
        }
        if (!address.isNull()) {
            if (QHostAddress(entry) == address)
                return true;
            continue;
        }
        if (entry.startsWith(QLatin1String("*.")))
            entry.remove(0, 2);
        else if (entry.startsWith(QLatin1Char('.')))
            entry.remove(0, 1);
        const qsizetype colon = entry.lastIndexOf(QLatin1Char(':'));
        if (colon > 0 && !entry.contains(QLatin1Char(']')))
            entry.truncate(colon); // host:port: the host
        if (entry.endsWith(QLatin1Char('.')))
            entry.chop(1);
        if (!entry.isEmpty() && (name == entry || name.endsWith(QLatin1Char('.') + entry)))
            return true;
    }
    return false;
}

} // namespace bt

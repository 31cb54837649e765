#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

namespace bt {

// Whether `text` is a proxy setting the engine takes (ProxyConfig): "none" (connect directly)
// or a proxy URL of a scheme libcurl speaks, with a host. Empty (= the environment's) is the
// caller's to allow. Shared by the GUI's settings and btstream's -x.
inline bool isProxySetting(const QString &text)
{
    if (text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return true;
    static const QStringList schemes = {QStringLiteral("http"),   QStringLiteral("https"),
                                        QStringLiteral("socks4"), QStringLiteral("socks4a"),
                                        QStringLiteral("socks5"), QStringLiteral("socks5h")};
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty() && schemes.contains(url.scheme().toLower());
}

} // namespace bt

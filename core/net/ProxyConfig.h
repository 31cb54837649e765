#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace bt {

// Which proxy a request goes through, decided once per request and handed to curl as it is
// (curl's own reading of the environment is off, so that messages name the proxy really used).
//
// `setting` is the person's choice (the GUI's proxy setting, later the daemon's): empty means
// the environment, "none" means direct, anything else is a proxy URL as curl takes it
// (http://, https://, socks4://, socks4a://, socks5://, socks5h://, user:password@ in it).
// The environment is read as curl reads it: <scheme>_proxy (http_proxy, https_proxy; the
// upper-case forms too), then all_proxy / ALL_PROXY; no_proxy / NO_PROXY as curl and wget read
// it ("*" is every host, "example.org" covers its subdomains). Loopback hosts (localhost,
// 127.0.0.0/8, ::1) always go direct, as they did with Qt.
class ProxyConfig
{
public:
    static QByteArray forUrl(const QUrl &url, const QString &setting = {});
    // "host:port" of forUrl()'s proxy, empty when direct: for messages.
    static QString describe(const QByteArray &proxy);

    // True when the no_proxy list `noProxy` (comma- or space-separated) names `host` the
    // curl way. Pure: for tests.
    static bool bypasses(const QString &host, const QByteArray &noProxy);
    static bool isLoopback(const QString &host);
};

} // namespace bt

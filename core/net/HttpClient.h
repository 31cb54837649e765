#pragma once

#include "net/CurlReply.h"

#include <QObject>
#include <QString>

namespace bt {

class CurlMulti;

// The engine's one HTTP client for a thread: every download connection and every upload
// request of that thread goes out through its CurlMulti (libcurl), which shares connections
// (keep-alive, HTTP/2 streams) between all of them. The proxy setting applies to every request
// started after setProxy(), so a running queue follows a changed setting without a restart.
// Use from the thread that owns it.
class HttpClient : public QObject
{
    Q_OBJECT
public:
    explicit HttpClient(QObject *parent = nullptr);
    ~HttpClient() override;

    // The person's proxy setting (ProxyConfig: empty = the environment, "none" = direct).
    void setProxy(const QString &setting) { m_proxySetting = setting; }
    QString proxySetting() const { return m_proxySetting; }
    QByteArray proxyFor(const QUrl &url) const;

    // Sends `verb` for `request`, with `body` (may be null) as the request body, through the
    // proxy chosen here (proxyFor()). The reply belongs to `parent`.
    CurlReply *send(const QByteArray &verb, const QNetworkRequest &request, QIODevice *body,
                    CurlReply::Options options, QObject *parent);

    int runningCount() const;

private:
    CurlMulti *m_multi;
    QString m_proxySetting;
};

} // namespace bt

#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QtGlobal>

#include <optional>

namespace bt {

struct DownloadRequest;

// One link the browser hands over, with what the site's server may need to serve it again.
struct BrowserLink
{
    QUrl url;         // what the page asked for (redirects are followed again from here)
    QUrl finalUrl;    // where the browser's own download ended up (shown, not fetched)
    QString fileName; // the browser's suggested name, sanitized; empty = unknown
    qint64 size = -1; // the browser's size, -1 = unknown
    QList<QPair<QByteArray, QByteArray>> cookies; // the browser's cookies for `url`
};

// A message from the browser extension (through the native messaging host), validated:
//   {"type": "ping"}
//   {"type": "download", "url", "finalUrl"?, "referrer"?, "userAgent"?, "fileName"?, "size"?,
//    "cookies"?: [{"name", "value"}]}
//   {"type": "links", "links": [{"url", "cookies"?}], "referrer"?, "userAgent"?}
// Unknown fields, wrong types, non-http(s)/ftp URLs and header-breaking bytes are refused
// with a message that names the field.
struct BrowserRequest
{
    enum class Kind
    {
        Ping,
        Download,
        Links
    };
    static constexpr int kMaxLinks = 2000;
    static constexpr int kMaxCookies = 300;

    Kind kind = Kind::Ping;
    QList<BrowserLink> links; // one for Download
    QUrl referrer;
    QString userAgent;

    static std::optional<BrowserRequest> fromJson(const QJsonObject &json, QString *error);
    QJsonObject toJson() const;
    // The single-instance channel carries a request as the arguments {"--browser-request",
    // JSON}, which no URL given to `btfilestream URL...` can look like.
    QStringList toArguments() const;
    static bool isArguments(const QStringList &arguments);
    // The link's address and the browser's headers (Cookie for the link's own origin only,
    // as the engine sends a Cookie header; User-Agent; Referer) on top of `request`.
    void applyTo(const BrowserLink &link, DownloadRequest *request) const;

    Q_DECLARE_TR_FUNCTIONS(bt::BrowserRequest)
};

} // namespace bt

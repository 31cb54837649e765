#pragma once

#include "Error.h"
#include "model/DownloadRequest.h"

#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace bt {
class CurlReply;
class HttpClient;
} // namespace bt

namespace bt::cli {

// The metalinks of `btstream get` (Metalink v3/v4): a file on disk is read at once, a URL
// (http/https ending in .meta4 or .metalink) is fetched into memory before the downloads
// start, redirects followed as a download follows them, with the person's headers and TLS
// options. Each <file> becomes one request built from the person's options.
class MetalinkSources : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxSize = 8 << 20; // a bigger "metalink" is not one

    // false with `error` when unreadable or malformed; `warnings` lists what was skipped.
    static bool readFile(const QString &path, const DownloadRequest &base,
                         QList<DownloadRequest> *requests, QStringList *warnings, QString *error);
    static bool isMetalinkUrl(const QUrl &url);

    explicit MetalinkSources(QObject *parent = nullptr);
    ~MetalinkSources() override;

    // Fetches each source (a request whose url is a metalink's) one after the other.
    void fetch(const QList<DownloadRequest> &sources, const QString &proxy);

Q_SIGNALS:
    // One source read: its requests, or the error that stopped it.
    void fetched(const bt::DownloadRequest &source, const QList<bt::DownloadRequest> &requests,
                 const QStringList &warnings, const bt::Error &error);
    void finished(); // every source fetched

private:
    void next();
    void send(const QNetworkRequest &request);
    void onFinished();

    HttpClient *m_client = nullptr;
    QList<DownloadRequest> m_sources;
    QPointer<CurlReply> m_reply;
    int m_hops = 0;
};

} // namespace bt::cli

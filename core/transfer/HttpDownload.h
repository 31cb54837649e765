#pragma once

#include "Error.h"
#include "model/DownloadRequest.h"
#include "model/TransferRecord.h"

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QUrl>
#include <memory>

namespace bt {

class HttpClient;

class RateLimiter;
class ResumeStorage;

// A snapshot for listeners, sent about 4 times a second (never per packet).
struct TransferProgress
{
    qint64 id = 0;
    qint64 done = 0;
    qint64 total = -1; // -1 while unknown
    qint64 speed = 0;  // bytes per second, moving average
    qint64 etaSeconds = -1;
    int connections = 0;
    QString fileName; // final path once known
    // Downloads, once the server has answered: the URL after redirects and the validators
    // (empty when the server sent none), so that a view can show them while it runs.
    QUrl finalUrl;
    QByteArray etag;
    QByteArray lastModified;
    QList<SegmentState> segments; // the ranges and what of each has arrived
};

// The one result path (KJob style): emitted once, at the end, whatever happened.
struct TransferResult
{
    Error error;   // code None on success
    qint64 id = 0; // the store row
    QString path;  // final path (success) or the .part path kept for a resume
    qint64 size = 0;
    QByteArray sha256Hex;
    bool alreadyComplete = false; // nothing was downloaded: the file was complete in place
};

// One HTTP(S) download, single or multi-segment, into a BTFileStream. Lives on a worker
// thread (moveToThread) with that thread's HttpClient; start() never blocks. It continues
// the row request().storeId of `storage` (asked for at start()), and hands its resume state
// over after the data it covers is fdatasync'ed; it never runs SQL. Without a storage (or a
// row) it keeps nothing for a resume.
class HttpDownload : public QObject
{
    Q_OBJECT
public:
    HttpDownload(const DownloadRequest &request, HttpClient *network, ResumeStorage *storage,
                 QObject *parent = nullptr);
    ~HttpDownload() override;

    const DownloadRequest &request() const;
    qint64 id() const;

    // A limiter shared with other transfers (the queue's global limit), applied on top of
    // request().rateLimit. Set before start().
    void setSharedRateLimiter(std::shared_ptr<RateLimiter> limiter);
    // This download's own limit (bytes per second, 0 = unlimited), replacing
    // request().rateLimit. Thread-safe: the queue calls it from its thread while the
    // download runs on a worker.
    void setRateLimit(qint64 bytesPerSecond);

public Q_SLOTS:
    void start();
    // Stop every connection, flush and sync the data, save the resume state, then emit
    // finished() with ErrorCode::Cancelled. Used for pause, SIGINT and SIGTERM.
    void stop();

Q_SIGNALS:
    void progress(const bt::TransferProgress &progress);
    void message(const QString &text); // a log line for people: retries, fallbacks, redirects
    // A connection failed with a transient error and tries again in `delayMs`.
    void retrying(const bt::Error &error, qint64 delayMs, int attempt, int maxAttempts);
    void finished(const bt::TransferResult &result);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace bt

Q_DECLARE_METATYPE(bt::TransferProgress)
Q_DECLARE_METATYPE(bt::TransferResult)

#pragma once

#include "Error.h"
#include "http/RetryPolicy.h"
#include "model/TransferRecord.h"
#include "model/UploadRequest.h"
#include "net/CurlReply.h"
#include "transfer/HttpDownload.h" // TransferProgress, TransferResult
#include "transfer/RateLimiter.h"
#include "transfer/SpeedMeter.h"
#include "transfer/Transfer.h"
#include "upload/ArchiveStream.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QNetworkRequest>
#include <QObject>
#include <functional>
#include <memory>
#include <optional>

class QNetworkReply;
class QTimer;

namespace bt {

class HttpClient;
class UploadBody;
class ResumeStorage;

// One upload of one file (TusUpload, PutUpload, PostUpload), shaped like HttpDownload: lives on
// a worker thread with that thread's HttpClient; start() never blocks; progress() about 4
// times a second; finished() exactly once, whatever happened. It continues the row
// request().recordId of `storage` (asked for at start()) and hands its state over there; it
// never runs SQL. This base holds what every method shares: the source checks, the row, one
// request in flight with its stall watch, retries, progress and the one result path.
class Upload : public Transfer
{
    Q_OBJECT
public:
    // The class for request.method.
    static Upload *create(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                          QObject *parent = nullptr);
    ~Upload() override;

    const UploadRequest &request() const { return m_request; }
    // Set before start().
    void setSharedRateLimiter(std::shared_ptr<RateLimiter> limiter) override;
    // Thread-safe: changed while it runs.
    void setRateLimit(qint64 bytesPerSecond) override { m_ownLimiter.setRate(bytesPerSecond); }

protected:
    void startTransfer() override;
    // The request stopped, the state saved, then finished() with ErrorCode::Cancelled. A tus
    // upload continues where the server is when started again.
    void stopTransfer() override;
    // Also terminated on the server (tus DELETE, when the server offers termination).
    void cancelTransfer() override;

    Upload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
           QObject *parent);

    // The target URL's scheme and form (default: http or https).
    virtual Error checkUrl() const;
    // A method with requests of its own beside the one of send() (S3's parts) ends them here,
    // without a signal: stop, cancel, failure, completion.
    virtual void stopOtherRequests() {}
    // Adds what the method knows to a progress snapshot (S3: the parts as segments).
    virtual void describeProgress(TransferProgress &progress) const { Q_UNUSED(progress); }

    // The source is a readable regular file (m_size, m_mtimeMs set). Default: the given row
    // starts afresh. Return false after calling fail() or finishComplete().
    virtual bool prepareRecord();
    // The given row, when it is of this source (path, size, mtime, archive format) for this
    // URL and method and `usable` accepts it: what re-adding the same upload continues.
    std::optional<TransferRecord>
    findPrevious(const std::function<bool(const TransferRecord &)> &usable) const;
    // A folder without an archive format is refused unless the method uploads trees.
    virtual bool acceptsFolder() const { return false; }
    const ArchiveStream::Listing &listing() const { return m_listing; }
    bool isTree() const { return m_tree; }
    virtual void begin() = 0; // the first request
    // cancel(): the server-side clean-up, then call done() (tus: DELETE).
    virtual void terminate(std::function<void()> done) { done(); }
    virtual QString stoppedMessage() const = 0;

    // A request with the person's headers and credentials, no compression, no caching.
    QNetworkRequest buildRequest(const QUrl &url) const;
    // Sends one request (the only one in flight); `body` (may be null) becomes the reply's
    // child. onDone runs once with the finished reply, which is deleted afterwards.
    QNetworkReply *send(const QByteArray &verb, const QNetworkRequest &request, QIODevice *body,
                        std::function<void(QNetworkReply *)> onDone);
    QNetworkReply *send(const QByteArray &verb, const QNetworkRequest &request,
                        std::function<void(QNetworkReply *)> onDone); // no body
    // A multipart/form-data request whose file part is `body` (sent by libcurl).
    QNetworkReply *send(const QByteArray &verb, const QNetworkRequest &request, UploadBody *body,
                        const CurlReply::Form &form, std::function<void(QNetworkReply *)> onDone);
    // An FTP or SFTP upload of `body` (sent by libcurl).
    QNetworkReply *send(const QByteArray &verb, const QNetworkRequest &request, UploadBody *body,
                        const CurlReply::RemoteUpload &remote,
                        std::function<void(QNetworkReply *)> onDone);
    // Bytes [offset, offset + length) of the source (the file, or the folder's archive),
    // opened; null after fail().
    UploadBody *openBody(qint64 offset, qint64 length);
    // Bytes [offset, offset + length) of one file of fileSize bytes and mtime (a tree's file).
    UploadBody *openFileBody(const QString &path, qint64 offset, qint64 length, qint64 fileSize,
                             qint64 mtimeMs);
    bool isArchive() const { return m_archive; }
    QString remoteName() const;  // request.remoteName, else the file's or archive's name
    QByteArray mimeType() const; // request.mimeType, else guessed
    // What went wrong with a finished reply: the file, a stall, the connection or the status
    // (None for 2xx). 401, 403 and 413 get messages that say what to do.
    Error replyError(QNetworkReply *reply, const UploadBody *body) const;
    // Transient: a message, then `again` after the policy's delay; true. Permanent or out of
    // attempts: fail(error); false.
    bool retryLater(const Error &error, const QString &what, std::function<void()> again);
    void fail(const Error &error);
    // Ends with `error`: the record (when stored) goes to `state` with the error, the result
    // reports `size` bytes.
    void finishWithError(TransferState state, const Error &error, qint64 size);
    void finishComplete(bool alreadyComplete = false);
    void saveRecord(); // m_record (doneSize = m_confirmed) to the storage
    void abortRequest();
    // libcurl's options for a request of this upload (TLS), keeping at most keepAnswer bytes
    // of the answer.
    CurlReply::Options options(qint64 keepAnswer) const;
    // The rate limiters applied to file bodies (openFileBody()).
    RateLimiter *ownLimiter() { return &m_ownLimiter; }

    UploadRequest m_request;
    HttpClient *m_network;
    ResumeStorage *m_storage;              // none: nothing kept for a resume
    std::optional<TransferRecord> m_given; // the row as loaded at start()
    TransferRecord m_record;
    QString m_path;            // absolute source path
    qint64 m_size = -1;        // of the source when the upload began
    qint64 m_mtimeMs = -1;     // ditto
    qint64 m_confirmed = 0;    // bytes the server is known to have
    qint64 m_inFlightSent = 0; // body bytes of the request in flight sent so far
    http::RetryPolicy m_retry;

private:
    // `body` opened for reading; else deleted, fail() with its error, null.
    UploadBody *openedOrFail(UploadBody *body);
    QNetworkReply *curlReply(const QByteArray &verb, const QNetworkRequest &request,
                             UploadBody *body, const CurlReply::Options &options);
    QNetworkReply *sendHopByHop(const QByteArray &verb, QNetworkRequest request, QIODevice *body,
                                int hops, std::function<void(QNetworkReply *)> onDone);
    QByteArray authorization() const; // of --user or the bearer token, may be empty
    QNetworkReply *track(QNetworkReply *reply, QObject *body,
                         std::function<void(QNetworkReply *)> onDone);
    void emitProgress();
    void checkStall();
    void stopRequests();
    bool checkSource();
    void measureArchive(); // off the thread, then continueStart()
    void continueStart();  // the row loaded, then prepareRecord() and begin()

    RateLimiter m_ownLimiter;
    std::shared_ptr<RateLimiter> m_sharedLimiter;
    QNetworkReply *m_reply = nullptr;
    SpeedMeter m_speed;
    QElapsedTimer m_clock;
    qint64 m_lastActivityMs = 0;
    bool m_stalled = false;
    QTimer *m_progressTimer;
    QTimer *m_stallTimer;
    QTimer *m_retryTimer;
    bool m_archive = false;
    bool m_tree = false; // a folder uploaded file by file (acceptsFolder())
    ArchiveStream::Format m_archiveFormat = ArchiveStream::Format::TarGz;
    ArchiveStream::Listing m_listing;
};

} // namespace bt

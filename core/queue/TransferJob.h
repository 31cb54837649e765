#pragma once

#include "Error.h"
#include "model/TransferRecord.h"
#include "transfer/HttpDownload.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <functional>
#include <memory>

namespace bt {

class HttpClient;
class RateLimiter;
class ResumeStorage;

// What the queue runs: one transfer on a worker thread. Created on the queue's thread, then
// moved to a worker (moveToThread); start() and stop() arrive there as queued calls and
// never block. finished() is emitted exactly once, whatever happened (stop() included, with
// ErrorCode::Cancelled); the queue then deletes the job with deleteLater().
class TransferJob : public QObject
{
    Q_OBJECT
public:
    explicit TransferJob(qint64 id, QObject *parent = nullptr) : QObject(parent), m_id(id) {}
    qint64 id() const { return m_id; }

    // Thread-safe: the per-transfer limit changed while running (0 = unlimited).
    virtual void setRateLimit(qint64 bytesPerSecond) { Q_UNUSED(bytesPerSecond) }

public Q_SLOTS:
    virtual void start() = 0;
    virtual void stop() = 0;
    // A person cancels: stop, and undo what the server holds where that means something
    // (a tus upload is terminated). Stopping is the default.
    virtual void cancel() { stop(); }

Q_SIGNALS:
    void progress(const bt::TransferProgress &progress);
    void message(const QString &text);
    // The data is complete and being checked (digests, checksum) before publishing.
    void verifying();
    // A transient error: the next attempt starts in `delayMs` (the queue shows it).
    void retrying(const bt::Error &error, qint64 delayMs, int attempt, int maxAttempts);
    void finished(const bt::TransferResult &result);

private:
    friend class WorkerPool;
    qint64 m_id;
    bool m_stopAsked = false; // on the job's thread: a start after a stop is dropped
};

// Secrets for an upload: never in the store (UploadRequestCodec drops them), held by the queue
// in memory and handed to the job when it starts.
struct UploadCredentials
{
    QString user;                                       // "name:password" (Basic)
    QString bearerToken;                                // Authorization: Bearer
    QList<QPair<QByteArray, QByteArray>> secretHeaders; // Authorization, Cookie...
    bool isEmpty() const
    {
        return user.isEmpty() && bearerToken.isEmpty() && secretHeaders.isEmpty();
    }
};

// What a job may use on its worker thread. The pointers belong to the worker and live on its
// thread: a job must not touch network or store before start() (it is constructed on the
// queue's thread).
struct JobContext
{
    HttpClient *network = nullptr;
    ResumeStorage *storage = nullptr;             // the queue's store: the row's reads and writes
    std::shared_ptr<RateLimiter> downloadLimiter; // global download limit (shared)
    std::shared_ptr<RateLimiter> uploadLimiter;   // global upload limit (shared)
    qint64 rateLimit = 0;                         // this transfer's limit, bytes/s
    UploadCredentials uploadCredentials;          // uploads: from memory, never stored
};

// Creates the job for a stored transfer (without a parent). Called on the queue's thread.
using JobFactory =
    std::function<TransferJob *(const TransferRecord &record, const JobContext &context)>;

} // namespace bt

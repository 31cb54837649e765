#pragma once

#include "model/TransferRecord.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <functional>
#include <memory>

namespace bt {

class HttpClient;
class RateLimiter;
class ResumeStorage;
class Transfer;

// Secrets for an upload: never in the store (UploadRequestCodec drops them), held by the queue
// in memory and handed to the job when it starts.
struct UploadCredentials
{
    QString user;                                       // "name:password" (Basic)
    QString bearerToken;                                // Authorization: Bearer
    QList<QPair<QByteArray, QByteArray>> secretHeaders; // Authorization, Cookie...
    QString s3AccessKeyId;                              // S3: instead of the AWS setup's
    QString s3SecretAccessKey;
    QString s3SessionToken;
    bool isEmpty() const
    {
        return user.isEmpty() && bearerToken.isEmpty() && secretHeaders.isEmpty() &&
               s3AccessKeyId.isEmpty();
    }
};

// What a transfer may use on its worker thread. The network belongs to the worker and lives on
// its thread: a transfer must not touch it before start() (it is made on the queue's thread).
struct JobContext
{
    HttpClient *network = nullptr;
    ResumeStorage *storage = nullptr;             // the queue's store: the row's reads and writes
    std::shared_ptr<RateLimiter> downloadLimiter; // global download limit (shared)
    std::shared_ptr<RateLimiter> uploadLimiter;   // global upload limit (shared)
    qint64 rateLimit = 0;                         // this transfer's limit, bytes/s
    UploadCredentials uploadCredentials;          // uploads: from memory, never stored
    // The row as stored, when the queue knows it (inserted this session, not run since): the
    // job starts from it instead of reading it through `storage`.
    std::shared_ptr<const TransferRecord> storedRow;
};

// Creates the transfer for a stored row (without a parent) on the queue's thread; the queue
// moves it to its worker and starts it there. core/queue/Transfers.h has the standard one.
using JobFactory =
    std::function<Transfer *(const TransferRecord &record, const JobContext &context)>;

} // namespace bt

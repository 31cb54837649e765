#pragma once

#include "Error.h"
#include "model/DownloadRequest.h"
#include "model/TransferRecord.h"
#include "transfer/Transfer.h"

#include <memory>

namespace bt {

class HttpClient;
class ResumeStorage;

// One HTTP(S) download, single or multi-segment, into a BTFileStream. Lives on a worker
// thread (moveToThread) with that thread's HttpClient; start() never blocks. It continues
// the row request().storeId of `storage` (asked for at start()), and hands its resume state
// over after the data it covers is fdatasync'ed; it never runs SQL. Without a storage (or a
// row) it keeps nothing for a resume.
class HttpDownload : public Transfer
{
    Q_OBJECT
public:
    HttpDownload(const DownloadRequest &request, HttpClient *network, ResumeStorage *storage,
                 QObject *parent = nullptr);
    ~HttpDownload() override;

    const DownloadRequest &request() const;

    // Applied on top of request().rateLimit.
    void setSharedRateLimiter(std::shared_ptr<RateLimiter> limiter) override;
    // Replaces request().rateLimit; the queue calls it from its thread while it runs.
    void setRateLimit(qint64 bytesPerSecond) override;
    // The row as the storage holds it, when the caller knows it (the queue, for a row it
    // inserted and nobody ran since): start() begins from it instead of reading the row.
    // Before start().
    void setStoredRow(const TransferRecord &row);

protected:
    void startTransfer() override;
    // Every connection stopped, the data flushed and synced, the offsets saved, then
    // finished() with ErrorCode::Cancelled.
    void stopTransfer() override;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace bt

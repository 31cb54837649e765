#include "queue/HttpDownloadJob.h"

#include "queue/RequestCodec.h"

namespace bt {

namespace {
// The engine uses the queue's row itself (never a second row for the same transfer).
DownloadRequest withRow(DownloadRequest request, qint64 transferId)
{
    request.storeId = transferId;
    return request;
}
} // namespace

HttpDownloadJob::HttpDownloadJob(qint64 transferId, const DownloadRequest &request,
                                 const JobContext &context, QObject *parent)
    : TransferJob(transferId, parent),
      m_download(
          new HttpDownload(withRow(request, transferId), context.network, context.storage, this))
{
    if (context.downloadLimiter)
        m_download->setSharedRateLimiter(context.downloadLimiter);
    connect(m_download, &HttpDownload::progress, this, [this](const TransferProgress &p) {
        TransferProgress copy = p;
        copy.id = id();
        Q_EMIT progress(copy);
        // The engine verifies once every byte is in: tell the queue (state Verifying).
        if (!m_verifying && p.total > 0 && p.done >= p.total) {
            m_verifying = true;
            Q_EMIT verifying();
        }
    });
    connect(m_download, &HttpDownload::message, this, &TransferJob::message);
    connect(m_download, &HttpDownload::retrying, this, &TransferJob::retrying);
    connect(m_download, &HttpDownload::finished, this, [this](const TransferResult &r) {
        TransferResult copy = r;
        copy.id = id();
        Q_EMIT finished(copy);
    });
}

HttpDownloadJob::~HttpDownloadJob() = default;

void HttpDownloadJob::setRateLimit(qint64 bytesPerSecond)
{
    m_download->setRateLimit(bytesPerSecond);
}

void HttpDownloadJob::start()
{
    m_download->start();
}

void HttpDownloadJob::stop()
{
    m_download->stop();
}

JobFactory HttpDownloadJob::factory()
{
    return [](const TransferRecord &record, const JobContext &context) -> TransferJob * {
        DownloadRequest request = requestcodec::fromRecord(record);
        request.rateLimit = context.rateLimit;
        return new HttpDownloadJob(record.id, request, context);
    };
}

} // namespace bt

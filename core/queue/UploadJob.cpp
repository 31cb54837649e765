#include "queue/UploadJob.h"

#include "upload/Upload.h"
#include "upload/UploadRequestCodec.h"

namespace bt {

UploadJob::UploadJob(qint64 transferId, const UploadRequest &request, const JobContext &context,
                     QObject *parent)
    : TransferJob(transferId, parent), m_request(request), m_context(context)
{
    m_request.recordId = transferId; // the queue's row is the upload's row
    m_rateLimit = request.rateLimit;
}

UploadJob::~UploadJob() = default;

UploadRequest UploadJob::requestFor(const TransferRecord &record, const JobContext &context)
{
    UploadRequest request = uploadcodec::fromRecord(record);
    // Never stored: the credentials come with the context (the window's keyring, or memory).
    const UploadCredentials &c = context.uploadCredentials;
    if (!c.user.isEmpty())
        request.user = c.user;
    if (!c.bearerToken.isEmpty())
        request.bearerToken = c.bearerToken;
    request.headers.append(c.secretHeaders);
    request.rateLimit = context.rateLimit;
    return request;
}

JobFactory UploadJob::factory(JobFactory downloads)
{
    return [downloads](const TransferRecord &record, const JobContext &context) -> TransferJob * {
        if (record.direction == TransferDirection::Upload)
            return new UploadJob(record.id, requestFor(record, context), context);
        return downloads ? downloads(record, context) : nullptr;
    };
}

void UploadJob::setRateLimit(qint64 bytesPerSecond)
{
    m_rateLimit = bytesPerSecond;
    // The Upload's own limiter is thread-safe; it exists only once start() ran.
    QMetaObject::invokeMethod(
        this,
        [this, bytesPerSecond] {
            if (m_upload)
                m_upload->setRateLimit(bytesPerSecond);
        },
        Qt::QueuedConnection);
}

void UploadJob::start()
{
    if (m_upload || m_stopped)
        return;
    m_request.rateLimit = m_rateLimit;
    m_upload = Upload::create(m_request, m_context.network, m_context.storage, this);
    if (m_context.uploadLimiter)
        m_upload->setSharedRateLimiter(m_context.uploadLimiter);
    connect(m_upload, &Upload::progress, this, [this](const TransferProgress &p) {
        TransferProgress copy = p;
        copy.id = id();
        Q_EMIT progress(copy);
    });
    connect(m_upload, &Upload::message, this, &TransferJob::message);
    connect(m_upload, &Upload::finished, this, [this](const TransferResult &r) {
        TransferResult copy = r;
        copy.id = id();
        Q_EMIT finished(copy);
    });
    m_upload->start();
}

void UploadJob::cancel()
{
    if (m_upload) {
        m_upload->cancel(); // tus: DELETE, so the server does not keep a dead upload
        return;
    }
    stop();
}

void UploadJob::stop()
{
    if (m_upload) {
        m_upload->stop();
        return;
    }
    if (m_stopped)
        return;
    m_stopped = true; // stopped before it started: still exactly one finished()
    TransferResult r;
    r.id = id();
    r.error = {ErrorCode::Cancelled, tr("Stopped before it started."), 0, -1};
    Q_EMIT finished(r);
}

} // namespace bt

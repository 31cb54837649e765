#include "queue/Transfers.h"

#include "net/RemoteFileProtocol.h"
#include "queue/RequestCodec.h"
#include "transfer/HttpDownload.h"
#include "upload/Upload.h"
#include "upload/UploadRequestCodec.h"

namespace bt::transfers {

Transfer *download(qint64 id, DownloadRequest request, const JobContext &context)
{
    request.storeId = id; // the queue's row, never a second one for the same transfer
    // FTP and SFTP resume by offset on one session (net/RemoteFileProtocol).
    if (RemoteFileProtocol::isRemoteFile(request.url))
        request.connections = request.maxConnections = 1;
    auto *d = new HttpDownload(request, context.network, context.storage);
    if (context.storedRow && context.storedRow->id == id)
        d->setStoredRow(*context.storedRow);
    if (context.downloadLimiter)
        d->setSharedRateLimiter(context.downloadLimiter);
    return d;
}

Transfer *upload(qint64 id, UploadRequest request, const JobContext &context)
{
    request.recordId = id;
    const UploadCredentials &c = context.uploadCredentials;
    if (!c.user.isEmpty())
        request.user = c.user;
    if (!c.bearerToken.isEmpty())
        request.bearerToken = c.bearerToken;
    request.headers.append(c.secretHeaders);
    if (!c.s3AccessKeyId.isEmpty()) {
        request.s3AccessKeyId = c.s3AccessKeyId;
        request.s3SecretAccessKey = c.s3SecretAccessKey;
        request.s3SessionToken = c.s3SessionToken;
    }
    Upload *u = Upload::create(request, context.network, context.storage);
    if (context.uploadLimiter)
        u->setSharedRateLimiter(context.uploadLimiter);
    return u;
}

Transfer *fromRecord(const TransferRecord &record, const JobContext &context)
{
    // The limit the queue gives it (the stored one under the queue's own rules).
    if (record.direction == TransferDirection::Upload) {
        UploadRequest request = uploadcodec::fromRecord(record);
        request.rateLimit = context.rateLimit;
        return upload(record.id, request, context);
    }
    DownloadRequest request = requestcodec::fromRecord(record);
    request.rateLimit = context.rateLimit;
    return download(record.id, request, context);
}

JobFactory standard()
{
    return &fromRecord;
}

JobFactory withUrlPasswords(JobFactory base,
                            std::function<QString(const TransferRecord &)> passwordOf)
{
    if (!base)
        base = standard();
    return
        [base, passwordOf](const TransferRecord &record, const JobContext &context) -> Transfer * {
            const QString password = passwordOf(record);
            if (record.direction == TransferDirection::Upload || password.isEmpty())
                return base(record, context);
            DownloadRequest request = requestcodec::fromRecord(record);
            request.rateLimit = context.rateLimit;
            request.urlPassword = password;
            return download(record.id, request, context);
        };
}

} // namespace bt::transfers

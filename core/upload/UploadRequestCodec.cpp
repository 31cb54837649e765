#include "upload/UploadRequestCodec.h"

#include "upload/ArchiveStream.h"

#include <QDateTime>
#include <QVariantList>

namespace bt::uploadcodec {

namespace {
UploadRequest::Method methodFrom(const QString &name)
{
    if (name == QLatin1String("put"))
        return UploadRequest::Method::Put;
    if (name == QLatin1String("post"))
        return UploadRequest::Method::Post;
    if (name == QLatin1String("s3"))
        return UploadRequest::Method::S3;
    if (name == QLatin1String("ftp"))
        return UploadRequest::Method::Ftp;
    return UploadRequest::Method::Tus;
}
} // namespace

bool isSecretHeader(const QByteArray &name)
{
    const QByteArray n = name.trimmed().toLower();
    return n == "authorization" || n == "proxy-authorization" || n == "cookie";
}

TransferRecord toRecord(const UploadRequest &request)
{
    const UploadRequest defaults;
    TransferRecord r;
    r.direction = TransferDirection::Upload;
    r.state = TransferState::Queued;
    r.url = request.url;
    r.destination = request.sourcePath;
    r.added = QDateTime::currentDateTimeUtc();
    QVariantMap &o = r.options;
    o.insert(QStringLiteral("method"), uploadMethodName(request.method));
    ArchiveStream::Format format;
    if (!request.archiveFormat.isEmpty())
        o.insert(QStringLiteral("archive"),
                 ArchiveStream::parseFormat(request.archiveFormat, &format)
                     ? ArchiveStream::extension(format).mid(1)
                     : request.archiveFormat);
    if (request.method == UploadRequest::Method::Post) {
        o.insert(QStringLiteral("postField"), request.postField);
        QVariantList fields;
        for (const auto &f : request.postFields)
            fields.append(QVariant(QVariantList{f.first, f.second}));
        if (!fields.isEmpty())
            o.insert(QStringLiteral("postFields"), fields);
    }
    if (!request.remoteName.isEmpty())
        o.insert(QStringLiteral("remoteName"), request.remoteName);
    if (!request.mimeType.isEmpty())
        o.insert(QStringLiteral("mimeType"), QString::fromLatin1(request.mimeType));
    QVariantList headers;
    for (const auto &h : request.headers)
        if (!isSecretHeader(h.first))
            headers.append(QVariant(
                QVariantList{QString::fromLatin1(h.first), QString::fromLatin1(h.second)}));
    if (!headers.isEmpty())
        o.insert(QStringLiteral("headers"), headers);
    if (request.retries != defaults.retries)
        o.insert(QStringLiteral("retries"), request.retries);
    if (request.stallTimeoutSec != defaults.stallTimeoutSec)
        o.insert(QStringLiteral("stallTimeoutSec"), request.stallTimeoutSec);
    if (request.rateLimit != 0)
        o.insert(QStringLiteral("rateLimit"), request.rateLimit);
    if (request.chunkSize != 0)
        o.insert(QStringLiteral("chunkSize"), request.chunkSize);
    if (request.insecure)
        o.insert(QStringLiteral("insecure"), true);
    if (!request.caCertFile.isEmpty())
        o.insert(QStringLiteral("caCertFile"), request.caCertFile);
    if (!request.createParents)
        o.insert(QStringLiteral("createParents"), false);
    if (!request.terminateOnCancel)
        o.insert(QStringLiteral("terminateOnCancel"), false);
    if (request.method == UploadRequest::Method::S3) {
        if (!request.s3Endpoint.isEmpty())
            o.insert(QStringLiteral("s3Endpoint"), request.s3Endpoint);
        if (!request.s3Region.isEmpty())
            o.insert(QStringLiteral("s3Region"), request.s3Region);
        if (!request.s3Profile.isEmpty())
            o.insert(QStringLiteral("s3Profile"), request.s3Profile);
        if (request.s3Addressing != UploadRequest::S3Addressing::Auto)
            o.insert(QStringLiteral("s3Addressing"),
                     request.s3Addressing == UploadRequest::S3Addressing::Path
                         ? QStringLiteral("path")
                         : QStringLiteral("virtual"));
        if (request.partSize > 0)
            o.insert(QStringLiteral("partSize"), request.partSize);
        if (request.parallelParts != defaults.parallelParts)
            o.insert(QStringLiteral("parallelParts"), request.parallelParts);
    }
    return r;
}

UploadRequest fromRecord(const TransferRecord &record)
{
    UploadRequest r;
    const QVariantMap &o = record.options;
    r.recordId = record.id;
    r.url = record.url;
    r.sourcePath = record.destination;
    r.method = methodFrom(o.value(QStringLiteral("method")).toString());
    r.archiveFormat = o.value(QStringLiteral("archive")).toString();
    r.postField = o.value(QStringLiteral("postField"), r.postField).toString();
    for (const QVariant &f : o.value(QStringLiteral("postFields")).toList()) {
        const QVariantList pair = f.toList();
        if (pair.size() == 2)
            r.postFields.append({pair.at(0).toString(), pair.at(1).toString()});
    }
    r.remoteName = o.value(QStringLiteral("remoteName")).toString();
    r.mimeType = o.value(QStringLiteral("mimeType")).toString().toLatin1();
    for (const QVariant &h : o.value(QStringLiteral("headers")).toList()) {
        const QVariantList pair = h.toList();
        if (pair.size() == 2)
            r.headers.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
    }
    r.retries = o.value(QStringLiteral("retries"), r.retries).toInt();
    r.stallTimeoutSec = o.value(QStringLiteral("stallTimeoutSec"), r.stallTimeoutSec).toInt();
    r.rateLimit = o.value(QStringLiteral("rateLimit"), r.rateLimit).toLongLong();
    r.chunkSize = o.value(QStringLiteral("chunkSize"), r.chunkSize).toLongLong();
    r.insecure = o.value(QStringLiteral("insecure"), false).toBool();
    r.caCertFile = o.value(QStringLiteral("caCertFile")).toString();
    r.createParents = o.value(QStringLiteral("createParents"), true).toBool();
    r.terminateOnCancel = o.value(QStringLiteral("terminateOnCancel"), true).toBool();
    r.s3Endpoint = o.value(QStringLiteral("s3Endpoint")).toString();
    r.s3Region = o.value(QStringLiteral("s3Region")).toString();
    r.s3Profile = o.value(QStringLiteral("s3Profile")).toString();
    const QString addressing = o.value(QStringLiteral("s3Addressing")).toString();
    r.s3Addressing = addressing == QLatin1String("path") ? UploadRequest::S3Addressing::Path
                     : addressing == QLatin1String("virtual")
                         ? UploadRequest::S3Addressing::VirtualHosted
                         : UploadRequest::S3Addressing::Auto;
    r.partSize = o.value(QStringLiteral("partSize"), r.partSize).toLongLong();
    r.parallelParts = o.value(QStringLiteral("parallelParts"), r.parallelParts).toInt();
    return r;
}

} // namespace bt::uploadcodec

#include "upload/S3PartRecord.h"

#include "model/UploadPart.h"

#include <QVariantList>

namespace bt {

namespace s3 {

QList<Part> storedParts(const QVariantMap &options, qint64 fileSize, qint64 *confirmed)
{
    if (confirmed)
        *confirmed = 0;
    const qint64 partSize = options.value(kPartSizeOption).toLongLong();
    if (partSize < kMinPartSize || fileSize <= 0)
        return {};
    QList<Part> parts = planParts(fileSize, partSize);
    for (const QVariant &v : options.value(kPartsOption).toList()) {
        const QVariantList p = v.toList();
        const int index = p.value(0).toInt() - 1;
        if (p.size() != 3 || index < 0 || index >= parts.size() ||
            parts.at(index).size != p.at(1).toLongLong() || !parts.at(index).etag.isEmpty())
            continue;
        parts[index].etag = p.at(2).toString().toLatin1();
        if (confirmed)
            *confirmed += parts.at(index).size;
    }
    return parts;
}

void storeParts(QVariantMap &options, const QList<Part> &parts)
{
    QVariantList stored;
    for (const Part &p : parts)
        if (!p.etag.isEmpty())
            stored.append(QVariant(QVariantList{p.number, p.size, QString::fromLatin1(p.etag)}));
    options.insert(kPartsOption, stored);
}

} // namespace s3

QList<UploadPart> recordedUploadParts(const TransferRecord &record)
{
    if (record.direction != TransferDirection::Upload ||
        record.options.value(QStringLiteral("method")).toString() != QLatin1String("s3"))
        return {};
    QList<UploadPart> parts;
    for (const s3::Part &p : s3::storedParts(record.options, record.totalSize)) {
        UploadPart part;
        part.number = p.number;
        part.offset = p.offset;
        part.size = p.size;
        const bool confirmed = !p.etag.isEmpty();
        part.sent = confirmed ? p.size : 0;
        part.phase = confirmed ? UploadPart::Phase::Confirmed : UploadPart::Phase::Pending;
        parts.append(part);
    }
    return parts;
}

} // namespace bt

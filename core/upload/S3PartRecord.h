#pragma once

#include "upload/S3Protocol.h"

#include <QVariantMap>

namespace bt::s3 {

// What of a multipart upload its row keeps (TransferRecord::options), read by S3Upload on a
// resume and by views (recordedUploadParts): the UploadId, the part size and every confirmed
// part as [number, size, ETag].
inline const QString kUploadIdOption = QStringLiteral("s3UploadId");
inline const QString kPartSizeOption = QStringLiteral("s3PartSize");
inline const QString kPartsOption = QStringLiteral("s3Parts");

// The plan of a file of `fileSize` bytes with the stored part size, the stored confirmed
// parts' ETags filled in (a stored part that does not fit the plan is left out). Empty when
// no part size of at least 5 MiB is stored; *confirmed (may be null) gets the parts' bytes.
QList<Part> storedParts(const QVariantMap &options, qint64 fileSize, qint64 *confirmed = nullptr);
// Stores the confirmed parts of `parts`.
void storeParts(QVariantMap &options, const QList<Part> &parts);

} // namespace bt::s3

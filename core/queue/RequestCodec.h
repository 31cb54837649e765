#pragma once

#include "model/DownloadRequest.h"
#include "model/TransferRecord.h"
#include "queue/DownloadKey.h"

namespace bt {

// A DownloadRequest as a store row and back, so that a queued transfer restarts after a
// restart with exactly the options the person gave (they go to TransferRecord::options).
namespace requestcodec {

TransferRecord toRecord(const DownloadRequest &request);
// The key toRecord()'s row is found by again.
DownloadKey downloadKey(const DownloadRequest &request);
DownloadRequest fromRecord(const TransferRecord &record);
// The mirrors of a stored download (DownloadRequest::mirrors).
QList<QUrl> mirrors(const TransferRecord &record);
// The per-transfer speed limit of a stored transfer (0 = none of its own).
qint64 rateLimit(const TransferRecord &record);
// What runs once the stored download completed (options "extract", "onComplete"); none for an
// upload.
AfterDownloadActions afterDownload(const TransferRecord &record);
void setAfterDownload(TransferRecord *record, const AfterDownloadActions &actions);
// What the store matches a stored download by (URL, folder, requested name), as a hash key.
QString matchKey(const DownloadKey &key);
QString matchKey(const TransferRecord &record);

} // namespace requestcodec
} // namespace bt

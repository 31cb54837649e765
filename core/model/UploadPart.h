#pragma once

#include "model/TransferRecord.h"

#include <QList>

namespace bt {

// One part of a multipart upload (S3) as a view shows it, beside the segments of a download.
struct UploadPart
{
    enum class Phase
    {
        Pending,   // not sent yet (or to be sent again after a cut)
        Sending,   // its Content-MD5 is computed or its bytes are on their way
        Confirmed, // the server answered with its ETag: it survives restarts
    };
    int number = 0; // 1-based, as S3 counts
    qint64 offset = 0;
    qint64 size = 0;
    qint64 sent = 0; // bytes of it sent so far (size once confirmed)
    Phase phase = Phase::Pending;
    bool operator==(const UploadPart &) const = default;
};

// The parts of a multipart upload as its row records them (S3Upload keeps the part size and
// every confirmed part's number, size and ETag in the row's options; a completed upload keeps
// them too): the confirmed ones Confirmed, the others Pending. Empty for another kind of
// transfer, a single PUT, or an upload not begun.
QList<UploadPart> recordedUploadParts(const TransferRecord &record);

} // namespace bt

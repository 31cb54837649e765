#pragma once

#include "model/DownloadRequest.h"
#include "model/UploadRequest.h"
#include "queue/JobContext.h"

namespace bt {

class Transfer;

// The transfers the queue runs, made from a row: its direction (and later its kind) picks the
// class, its request codec the request. A new kind is one Transfer class, its codec and one
// line here. Called on the queue's thread, without a parent.
namespace transfers {

// A download of `request` (the row's, or this run's command line, with its own limit) into
// row `id`, under the context's shared limit.
Transfer *download(qint64 id, DownloadRequest request, const JobContext &context);
// An upload of `request` into row `id`, with the context's credentials (never stored).
Transfer *upload(qint64 id, UploadRequest request, const JobContext &context);
// What the row says.
Transfer *fromRecord(const TransferRecord &record, const JobContext &context);
// fromRecord() as the queue's factory (its default).
JobFactory standard();
// `base` (standard() when empty), except that a download whose URL carried a password gets it
// back (DownloadRequest::urlPassword, never stored): `passwordOf(record)`, empty for none.
JobFactory withUrlPasswords(JobFactory base,
                            std::function<QString(const TransferRecord &)> passwordOf);

} // namespace transfers
} // namespace bt

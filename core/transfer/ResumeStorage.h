#pragma once

#include "Error.h"
#include "model/TransferRecord.h"

#include <QList>
#include <QObject>
#include <functional>
#include <optional>

namespace bt {

// Where a transfer's resume state goes (qBittorrent's ResumeDataStorage): a transfer hands
// over checkpoints and never runs SQL itself. One writer (the queue's QueueStore, on its own
// thread) stores them in the order they were handed over, from every thread, batched into
// few transactions. A transfer without one keeps nothing (tests, a one-off run).
//
// Every call is thread-safe and returns at once. Answers (`then`) run on `context`'s thread,
// on a later event-loop turn, and not at all once `context` is gone.
class ResumeStorage
{
public:
    virtual ~ResumeStorage() = default;

    // The row `id` as stored after every write handed over before this call (none: no row).
    virtual void load(qint64 id, QObject *context,
                      std::function<void(const std::optional<TransferRecord> &)> then) = 0;

    // What a running download owns (TransferStore::updateDownloadState): state, addresses,
    // sizes, validators, segments, checksums, the last error, completed. The queue's columns
    // (identity, order) stay the queue's.
    virtual void saveDownloadState(const TransferRecord &record) = 0;
    // The same, durable against power loss too, before `then` runs (with the write's error):
    // the facts a download stores just before its rename into place.
    virtual void saveDownloadStateDurably(const TransferRecord &record, QObject *context,
                                          std::function<void(const Error &)> then) = 0;
    // What a running upload owns (TransferStore::updateUploadState).
    virtual void saveUploadState(const TransferRecord &record) = 0;
    // The hot path: the offsets of data already fdatasync'ed.
    virtual void saveProgress(qint64 id, qint64 doneSize, const QList<SegmentState> &segments) = 0;
    // The outcome a transfer decided (Completed, Failed with its error); Completed also sets
    // `completed`. A stop's state is the queue's to say.
    virtual void setState(qint64 id, TransferState state, const Error &lastError = {}) = 0;
};

} // namespace bt

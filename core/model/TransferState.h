#pragma once

#include <QtGlobal>

namespace bt {

// The states and shapes of a transfer that the UI, the CLI and (later) the RPC see. They live
// apart from the store and the engines (core/model), so that ui/ includes neither
// core/store/ nor core/transfer/ (tests/architecture checks it).

// One range of a download and how much of it is on disk *and* synced. Bytes
// [start, start + done) are durable; end is exclusive (-1 while the size is unknown).
struct SegmentState
{
    qint64 start = 0;
    qint64 end = -1;
    qint64 done = 0;
    bool operator==(const SegmentState &) const = default;
};

enum class TransferDirection
{
    Download = 0,
    Upload = 1
};

enum class TransferState
{
    Queued = 0,
    Active = 1,
    Paused = 2,
    Verifying = 3,
    Completed = 4,
    Failed = 5,
};

} // namespace bt

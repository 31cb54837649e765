#pragma once

#include "model/TransferRecord.h"
#include "queue/TransferSnapshot.h"
#include "transfer/HttpDownload.h"
#include "transfer/SpeedMeter.h"

#include <QHash>
#include <QString>
#include <map>
#include <set>

namespace bt {

class Transfer;

// One transfer as the queue holds it (private to core/queue).
struct QueueEntry
{
    // State, lastError, priority, position, sizes and the file name live here (3,000 links:
    // 3,000 entries, so nothing is kept twice).
    TransferRecord record;
    QString host;
    Transfer *job = nullptr; // running (or stopping) on a worker
    // A command asked the job to stop; when it has, record.state (set by the command) holds.
    bool stopping = false;
    bool removeFiles = false;
    bool inQueue = false; // in the startable index
    bool sampled = false; // progress arrived since the last tick
    // The store confirmed this session's insert and no job has run the row since: `record`
    // is the row as stored, so the next job need not read it.
    bool rowKnown = false;
    // A download with every byte in (verifying, publishing): off the network, so it no longer
    // counts against the downloads at a time or its host's share.
    bool finishing = false;
    // What a snapshot's progress has beyond the record: the moving average, the job's last
    // segments (the CLI's --json shows them) and an S3 upload's parts.
    qint64 speed = 0;
    qint64 etaSeconds = -1;
    int connections = 0;
    QList<SegmentState> segments;
    QList<UploadPart> parts;
    SpeedMeter meter;
    RetryState retry;     // waiting to try again (cleared by new bytes or a state change)
    qint64 retryDone = 0; // record.doneSize when the retry began
};

// The order in which queued transfers start: higher priority first, then manual position.
struct QueueKey
{
    int negPriority;
    qint64 position;
    qint64 id;
    auto operator<=>(const QueueKey &) const = default;
    static QueueKey of(const QueueEntry &e)
    {
        return {-e.record.priority, e.record.position, e.record.id};
    }
};

// The indexes that keep every scheduling step independent of the number of stored
// transfers: queued ones per host (ordered), running counts per host, ids by position.
class QueueIndex
{
public:
    void addQueued(QueueEntry *e);
    void removeQueued(QueueEntry *e);
    int queuedCount() const { return m_queuedCount; }
    // The best queued entry whose host is below `maxPerHost` running; null if none.
    // Costs O(hosts with queued transfers).
    qint64 nextStartable(int maxPerHost) const;

    void addRunning(const QString &host) { ++m_running[host]; }
    void removeRunning(const QString &host);
    int runningOnHost(const QString &host) const { return m_running.value(host); }

    std::map<qint64, qint64> &positions() { return m_positions; } // position -> id
    const std::map<qint64, qint64> &positions() const { return m_positions; }
    qint64 nextPosition() const
    {
        return m_positions.empty() ? 1 : m_positions.rbegin()->first + 1;
    }
    qint64 firstPosition() const { return m_positions.empty() ? 1 : m_positions.begin()->first; }

private:
    QHash<QString, std::set<QueueKey>> m_queued;
    QHash<QString, int> m_running;
    std::map<qint64, qint64> m_positions;
    int m_queuedCount = 0;
};

} // namespace bt

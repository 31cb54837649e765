// QueueManager: adding downloads without waiting for the store. A new row gets its id at once
// (reserved in blocks), its insert goes out with the next batch, and its job, when a slot is
// free, starts at once: its read of the row comes after the insert in the store's one list.
#include "queue/QueueEntry.h"
#include "queue/QueueManager.h"
#include "queue/QueueStore.h"
#include "queue/RequestCodec.h"

#include <QHash>

namespace bt {

QList<qint64> QueueManager::enqueue(const QList<DownloadRequest> &requests, int priority,
                                    Error *error, bool reuseExisting)
{
    EnqueueOptions options;
    options.priority = priority;
    options.reuseExisting = reuseExisting;
    return enqueue(requests, options, error);
}

QList<qint64> QueueManager::enqueue(const QList<DownloadRequest> &requests,
                                    const EnqueueOptions &options, Error *error)
{
    const int priority = options.priority;
    const bool reuseExisting = options.reuseExisting;
    const TransferState initial = initialState(options);
    QList<qint64> ids(requests.size(), 0);
    if (!checkOpen(error))
        return ids;
    QList<TransferRecord> records;
    records.reserve(requests.size());
    qint64 position = m_index->nextPosition();
    for (const DownloadRequest &r : requests) {
        TransferRecord rec = requestcodec::toRecord(r);
        rec.state = initial;
        rec.priority = priority;
        rec.position = position++;
        records.append(rec);
    }
    const QHash<int, TransferRecord> found =
        reuseExisting ? findDownloads(records) : QHash<int, TransferRecord>();
    m_store->expectIds(int(records.size())); // the refills ahead cover batches this large
    for (int i = 0; i < records.size(); ++i) {
        TransferRecord &rec = records[i];
        const auto stored = found.constFind(i);
        const bool reused = stored != found.cend();
        if (reused) {
            const qint64 newPosition = rec.position;
            rec = *stored;
            rec.priority = priority;
            rec.position = newPosition;
            // This request's after-download actions, not those of the run that stored it
            // (as the CLI's job takes this run's options); the stored row keeps its own.
            requestcodec::setAfterDownload(&rec, requests.at(i).afterDownload);
        } else if (!storeNew(&rec, error)) {
            break;
        }
        if (m_removing.contains(rec.id))
            continue;
        if (reused) {
            if (QueueEntry *e = entry(rec.id)) {
                requestcodec::setAfterDownload(&e->record, requests.at(i).afterDownload);
                askedAgain(e, options.startPaused);
                ids[i] = rec.id;
                continue;
            }
            rec.setState(initial);
            m_store->setState(rec.id, rec.state);
            m_store->setOrder(rec.id, rec.priority, rec.position);
        }
        QueueEntry *e = addEntry(rec);
        ids[i] = rec.id;
        markDirty(e);
        Q_EMIT added(rec.id);
    }
    workAdded();
    return ids;
}

TransferState QueueManager::initialState(const EnqueueOptions &options)
{
    return options.startPaused ? TransferState::Paused : TransferState::Queued;
}

bool QueueManager::checkOpen(Error *error) const
{
    if (m_phase == Phase::Open)
        return true;
    if (error)
        *error = {ErrorCode::Store, tr("The transfer queue is not open.")};
    return false;
}

void QueueManager::askedAgain(QueueEntry *e, bool startPaused)
{
    // Continue it (a complete one is confirmed by the engine), or hold it when asked paused (a
    // running one keeps running).
    const TransferState st = e->record.state;
    if (startPaused) {
        if (st == TransferState::Queued)
            m_index->removeQueued(e);
        if (st == TransferState::Queued || st == TransferState::Failed)
            setState(e, TransferState::Paused);
    } else if (!isRunningState(st) && st != TransferState::Queued) {
        makeQueued(e);
    }
}

void QueueManager::workAdded()
{
    m_wasIdle = false; // there is work: the next idle state is announced
    schedule();
    checkIdleLater();
}

qint64 QueueManager::enqueue(const DownloadRequest &request, int priority, Error *error)
{
    return enqueue(QList<DownloadRequest>{request}, priority, error).value(0);
}

TransferRecord *QueueManager::storeNew(TransferRecord *record, Error *error)
{
    record->id = m_store->newId(error);
    if (record->id <= 0)
        return nullptr;
    record->added = record->updated = QDateTime::currentDateTimeUtc();
    m_store->insert(*record);
    return record;
}

void QueueManager::onInserted(const QList<qint64> &stored, const QList<qint64> &failed)
{
    for (qint64 id : stored) {
        if (QueueEntry *e = entry(id); e && !e->job)
            e->rowKnown = true;
    }
    for (qint64 id : failed) {
        QueueEntry *e = entry(id);
        if (!e || e->job)
            continue; // a running one fails on its own: the engine finds no row
        // Not in the store, so nothing to write there: the reason is shown.
        m_index->removeQueued(e);
        e->record.setState(
            TransferState::Failed,
            {ErrorCode::Store, tr("This transfer could not be saved in the transfer database.")});
        markDirty(e);
    }
}

QHash<int, TransferRecord> QueueManager::findDownloads(const QList<TransferRecord> &records)
{
    // One pass over the entries for the whole batch, then the rows open() loaded that the
    // queue does not hold (btstream); the newest row of a request wins, as in the store.
    QString (*const key)(const TransferRecord &) = &requestcodec::matchKey;
    QHash<QString, QList<int>> wanted;
    for (int i = 0; i < records.size(); ++i)
        wanted[key(records.at(i))].append(i);
    // By index, only the requests that match a row: a batch of 3,000 new links finds none.
    QHash<int, TransferRecord> found;
    const auto consider = [&](const TransferRecord &r, const QList<int> &indexes) {
        for (int i : indexes) {
            const auto it = found.constFind(i);
            if (it == found.cend() || it->id < r.id)
                found.insert(i, r);
        }
    };
    for (const QueueEntry *e : std::as_const(m_entries)) {
        if (e->record.direction != TransferDirection::Download)
            continue;
        const auto it = wanted.constFind(key(e->record));
        if (it != wanted.cend())
            consider(e->record, *it);
    }
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        const auto stored = m_storedDownloads.constFind(it.key());
        if (stored != m_storedDownloads.cend() && !m_entries.contains(stored->id))
            consider(*stored, *it);
    }
    return found;
}

} // namespace bt

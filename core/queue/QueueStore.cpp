#include "queue/QueueStore.h"

#include "store/TransferStore.h"

#include <QFile>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <algorithm>

namespace bt {

namespace {
// Ids reserved at a time for new rows (gaps are harmless): a person's paste of links, or a
// btstream run that says how many it adds, never waits for a refill.
constexpr int kIdBlock = 1024;
} // namespace

QueueStore::QueueStore(QObject *parent) : QObject(parent) {}

QueueStore::~QueueStore()
{
    if (!m_thread)
        return;
    // The last resort: the owner did not wait for closed(). The thread ends after its last
    // drain; this wait is the only one, and it is short (a pending batch).
    if (m_phase != Phase::Closing)
        stopThread();
    m_thread->wait();
    threadEnded();
}

void QueueStore::open(const QString &dataDir, int reserveIds,
                      std::optional<QList<DownloadKey>> only)
{
    if (m_phase != Phase::Closed)
        return;
    m_phase = Phase::Opening;
    m_ids.clear();
    m_idsHeld = 0;
    m_idsAsked = false;
    m_idError = {};
    m_largestBatch = qMax(0, reserveIds);
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("bt-store"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    {
        QMutexLocker lock(&m_mutex);
        m_accepting = true; // writes handed over now follow the open in the thread's queue
    }
    m_thread->start();
    const int reserve = qMax(kIdBlock, reserveIds);
    QMetaObject::invokeMethod(
        m_context,
        [this, dataDir, reserve, only = std::move(only)] { openThere(dataDir, reserve, only); },
        Qt::QueuedConnection);
}

void QueueStore::openThere(const QString &dataDir, int reserve,
                           const std::optional<QList<DownloadKey>> &only)
{
    m_store = new TransferStore;
    Error e;
    bool ok = m_store->open(dataDir, &e);
    qint64 first = 0;
    bool reserved = false;
    QList<TransferRecord> all;
    if (ok) {
        // The first ids for new rows (a locked database: later, when the reserve is refilled).
        reserved = m_store->reserveIds(reserve, &first);
        all = only ? loadFor(*only) : m_store->loadAll();
        if (m_store->lastError().isError() && all.isEmpty()) {
            // loadAll() has no error parameter; a failed read is not an empty store.
            const Error last = m_store->lastError();
            if (last.code == ErrorCode::Store) {
                e = last;
                ok = false;
            }
        }
    }
    if (!ok) {
        delete m_store;
        m_store = nullptr;
    }
    QMetaObject::invokeMethod(
        this,
        [this, ok, e, first, reserved, reserve, all = std::move(all)] {
            if (m_phase != Phase::Opening)
                return; // closed meanwhile
            if (!ok) {
                const Error error =
                    e.isError() ? e
                                : Error{ErrorCode::Store, tr("The transfer database cannot be "
                                                             "opened.")};
                stopThread();
                Q_EMIT opened(error, {});
                return;
            }
            m_phase = Phase::Open;
            if (reserved)
                idsArrived(first, reserve, {});
            else
                askForIds();
            Q_EMIT opened({}, all);
        },
        Qt::QueuedConnection);
}

QList<TransferRecord> QueueStore::loadFor(const QList<DownloadKey> &keys) const
{
    // By the store's index on (url, directory, requested_name): a run of a few links does not
    // read the rows of every download ever made with this data folder.
    QList<TransferRecord> rows = m_store->loadUploads();
    QSet<qint64> seen;
    for (const DownloadKey &key : keys) {
        std::optional<TransferRecord> row =
            m_store->findDownload(key.url, key.directory, key.requestedName);
        if (row && !seen.contains(row->id)) {
            seen.insert(row->id);
            rows.append(std::move(*row));
        }
    }
    return rows;
}

void QueueStore::close()
{
    if (m_phase == Phase::Closing)
        return;
    if (!m_thread) {
        m_phase = Phase::Closed;
        QMetaObject::invokeMethod(this, &QueueStore::closed, Qt::QueuedConnection);
        return;
    }
    stopThread();
}

void QueueStore::stopThread()
{
    m_phase = Phase::Closing;
    {
        QMutexLocker lock(&m_mutex);
        m_accepting = false;
    }
    connect(m_thread, &QThread::finished, this, [this] {
        threadEnded();
        Q_EMIT closed();
    });
    // After everything handed over before: the last batch, then the end of the thread.
    QThread *thread = m_thread;
    QMetaObject::invokeMethod(
        m_context,
        [this, thread] {
            drain();
            delete m_store;
            m_store = nullptr;
            thread->quit();
        },
        Qt::QueuedConnection);
}

void QueueStore::threadEnded()
{
    if (!m_thread)
        return;
    m_thread->wait(); // its event loop has returned: this only joins it
    delete m_context;
    delete m_thread;
    m_context = nullptr;
    m_thread = nullptr;
    m_phase = Phase::Closed;
    m_ids.clear(); // the rest of the reserve stays unused
    m_idsHeld = 0;
}

void QueueStore::expectIds(int count)
{
    m_largestBatch = qMax(m_largestBatch, count);
    if (m_idsHeld < count)
        askForIds();
}

qint64 QueueStore::newId(Error *error)
{
    if (m_idsHeld == 0) {
        if (error)
            *error = m_phase != Phase::Open
                         ? Error{ErrorCode::Store, tr("The transfer database is not open.")}
                     : m_idError.isError()
                         ? m_idError
                         : Error{ErrorCode::Store, tr("Too many transfers were added at once; "
                                                      "add the others again in a moment.")};
        askForIds();
        return 0;
    }
    QPair<qint64, qint64> &block = m_ids.first();
    const qint64 id = block.first++;
    if (block.first >= block.second)
        m_ids.removeFirst();
    --m_idsHeld;
    // Refilled ahead: the next batch as large as the largest one seen finds its ids here.
    if (m_idsHeld < qMax<qint64>(kIdBlock / 2, m_largestBatch))
        askForIds();
    return id;
}

void QueueStore::askForIds()
{
    if (m_idsAsked || m_phase != Phase::Open)
        return;
    m_idsAsked = true;
    const int count = qMax(kIdBlock, 2 * m_largestBatch);
    QMetaObject::invokeMethod(
        m_context,
        [this, count] {
            qint64 first = 0;
            Error e;
            const bool ok = m_store && m_store->reserveIds(count, &first, &e);
            if (!ok && !e.isError())
                e = {ErrorCode::Store, tr("The transfer database is not open.")};
            QMetaObject::invokeMethod(
                this, [this, first, count, e] { idsArrived(first, count, e); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void QueueStore::idsArrived(qint64 first, int count, const Error &error)
{
    m_idsAsked = false;
    if (m_phase != Phase::Open)
        return;
    m_idError = error;
    if (error.isError())
        return; // asked again by the next newId()
    m_ids.append({first, first + count});
    m_idsHeld += count;
    if (m_idsHeld < qMax<qint64>(kIdBlock / 2, m_largestBatch))
        askForIds(); // a larger batch was announced meanwhile
}

QueueStore::Op QueueStore::makeOp(Op::Kind kind, qint64 id)
{
    Op op;
    op.kind = kind;
    op.id = id;
    return op;
}

void QueueStore::insert(const TransferRecord &record)
{
    QMutexLocker lock(&m_mutex);
    if (!m_accepting)
        return;
    // Joins the insert before it when nothing came between: one op (and one copy of each row)
    // rather than an op and a shared record apiece, the order of the writes unchanged.
    if (!m_pending.isEmpty() && m_pending.last().kind == Op::Insert) {
        m_pending.last().rows.append(record);
        return;
    }
    Op op = makeOp(Op::Insert, record.id);
    op.rows.append(record);
    enqueueLocked(std::move(op));
}

void QueueStore::setState(qint64 id, TransferState state, const Error &lastError)
{
    Op op = makeOp(Op::State, id);
    op.state = state;
    op.error = lastError;
    enqueue(std::move(op));
}

void QueueStore::setOrder(qint64 id, int priority, qint64 position)
{
    Op op = makeOp(Op::Order, id);
    op.priority = priority;
    op.position = position;
    enqueue(std::move(op));
}

void QueueStore::setResult(qint64 id, const QString &destination, qint64 size,
                           const QString &sha256)
{
    Op op = makeOp(Op::Result, id);
    op.text = destination;
    op.size = size;
    op.sha256 = sha256;
    enqueue(std::move(op));
}

void QueueStore::remove(qint64 id)
{
    Op op = makeOp(Op::Remove, id);
    enqueue(std::move(op));
}

void QueueStore::removeFile(const QString &path)
{
    Op op = makeOp(Op::RemoveFile, 0);
    op.text = path;
    enqueue(std::move(op));
}

void QueueStore::load(qint64 id, QObject *context,
                      std::function<void(const std::optional<TransferRecord> &)> then)
{
    Op op = makeOp(Op::Load, id);
    op.back.emplace(context);
    op.loaded = std::move(then);
    enqueue(std::move(op));
}

void QueueStore::saveDownloadState(const TransferRecord &record)
{
    Op op = makeOp(Op::DownloadState, record.id);
    op.record = std::make_shared<const TransferRecord>(record);
    enqueue(std::move(op));
}

void QueueStore::saveDownloadStateDurably(const TransferRecord &record, QObject *context,
                                          std::function<void(const Error &)> then)
{
    Op op = makeOp(Op::DownloadState, record.id);
    op.record = std::make_shared<const TransferRecord>(record);
    op.durable = true;
    op.back.emplace(context);
    op.written = std::move(then);
    enqueue(std::move(op));
}

void QueueStore::saveUploadState(const TransferRecord &record)
{
    Op op = makeOp(Op::UploadState, record.id);
    op.record = std::make_shared<const TransferRecord>(record);
    enqueue(std::move(op));
}

void QueueStore::saveProgress(qint64 id, qint64 doneSize, const QList<SegmentState> &segments)
{
    Op op = makeOp(Op::Progress, id);
    op.size = doneSize;
    op.segments = segments;
    enqueue(std::move(op));
}

void QueueStore::afterWrites(std::function<void()> then)
{
    Op op = makeOp(Op::Notify, 0);
    op.back.emplace(this);
    op.notify = std::move(then);
    enqueue(std::move(op));
}

void QueueStore::enqueue(Op &&op)
{
    QMutexLocker lock(&m_mutex);
    if (!m_accepting)
        return;
    enqueueLocked(std::move(op));
}

void QueueStore::enqueueLocked(Op &&op)
{
    m_pending.append(std::move(op));
    if (!m_drainPosted) {
        // Whatever gathers until the store's thread gets to it goes into the same batch.
        m_drainPosted = true;
        QMetaObject::invokeMethod(
            m_context, [this] { drain(); }, Qt::QueuedConnection);
    }
}

void QueueStore::drain()
{
    QList<Op> ops;
    {
        QMutexLocker lock(&m_mutex);
        ops = std::move(m_pending);
        m_pending.clear();
        m_drainPosted = false;
    }
    if (ops.isEmpty())
        return;
    ++m_batches;
    Error e;
    QList<qint64> failed;
    QList<Error> outcomes;
    const bool ok = apply(m_store, ops, &e, &failed, &outcomes);
    QList<qint64> stored;
    const QSet<qint64> notStored(failed.cbegin(), failed.cend());
    for (qsizetype i = 0; i < ops.size(); ++i) {
        Op &op = ops[i];
        for (const TransferRecord &row : std::as_const(op.rows)) {
            if (!notStored.contains(row.id))
                stored.append(row.id);
        }
        answer(op, outcomes.value(i));
    }
    if (ok && stored.isEmpty() && failed.isEmpty())
        return;
    // Queued back to the queue's thread: the signals' receivers live there.
    QMetaObject::invokeMethod(
        this,
        [this, ok, e, stored, failed] {
            if (!ok)
                Q_EMIT writeFailed(e);
            if (!stored.isEmpty() || !failed.isEmpty())
                Q_EMIT inserted(stored, failed);
        },
        Qt::QueuedConnection);
}

void QueueStore::answer(Op &op, const Error &outcome)
{
    if (!op.back)
        return;
    if (op.loaded)
        op.back->post([then = std::move(op.loaded), found = std::move(op.found)] {
            then(found ? std::optional<TransferRecord>(*found) : std::nullopt);
        });
    else if (op.written)
        op.back->post([then = std::move(op.written), outcome] { then(outcome); });
    else if (op.notify)
        op.back->post(std::move(op.notify));
}

bool QueueStore::applyOne(TransferStore *store, Op &op, Error *error)
{
    bool ok = true;
    switch (op.kind) {
    case Op::Insert:
        for (const TransferRecord &row : std::as_const(op.rows)) {
            TransferRecord r = row;
            if (!store->insert(r, error))
                return false;
        }
        return true;
    case Op::Load:
        if (std::optional<TransferRecord> row = store->load(op.id))
            op.found = std::make_shared<const TransferRecord>(std::move(*row));
        return true;
    case Op::Notify:
        return true;
    case Op::RemoveFile:
        QFile::remove(op.text); // a file already gone is fine
        return true;
    case Op::Remove:
        return store->remove(op.id, error);
    case Op::Order:
    case Op::Result: {
        // Read-modify-write inside the transaction: the other columns are the transfer's.
        auto r = store->load(op.id);
        if (!r)
            return true; // removed meanwhile
        if (op.kind == Op::Order) {
            r->priority = op.priority;
            r->position = op.position;
        } else {
            if (!op.text.isEmpty())
                r->destination = op.text;
            r->doneSize = op.size;
            r->totalSize = op.size;
            if (!op.sha256.isEmpty())
                r->sha256 = op.sha256;
        }
        return store->update(*r, error);
    }
    case Op::State:
        ok = store->setState(op.id, op.state, op.error, error);
        break;
    case Op::DownloadState:
        ok = store->updateDownloadState(*op.record, error);
        break;
    case Op::UploadState:
        ok = store->updateUploadState(*op.record, error);
        break;
    case Op::Progress:
        ok = store->updateProgress(op.id, op.size, op.segments, error);
        break;
    }
    // A row removed while its transfer still ran (it stops soon): nothing to keep.
    if (!ok && !store->load(op.id)) {
        if (error)
            *error = {};
        return true;
    }
    return ok;
}

bool QueueStore::apply(TransferStore *store, QList<Op> &ops, Error *error,
                       QList<qint64> *failedInserts, QList<Error> *outcomes)
{
    outcomes->fill(Error{}, ops.size());
    if (!store) {
        for (const Op &op : std::as_const(ops)) {
            for (const TransferRecord &row : op.rows)
                failedInserts->append(row.id);
        }
        const Error closed{ErrorCode::Store, tr("The transfer database is not open.")};
        outcomes->fill(closed, ops.size());
        return false;
    }
    const bool durable =
        std::any_of(ops.cbegin(), ops.cend(), [](const Op &op) { return op.durable; });
    const auto durability =
        durable ? TransferStore::Durability::Synced : TransferStore::Durability::Normal;
    if (store->beginBatch(durability)) {
        bool ok = true;
        for (Op &op : ops) {
            if (!(ok = applyOne(store, op, error)))
                break;
        }
        if (ok && store->commitBatch())
            return true;
        store->rollbackBatch();
    }
    // One failed (a busy database, a full disk): each on its own, so that the others are
    // still written; the first error is reported.
    bool allOk = true;
    for (qsizetype i = 0; i < ops.size(); ++i) {
        Op &op = ops[i];
        Error e;
        bool ok = true;
        if (op.kind == Op::Insert) {
            ok = insertEach(store, op, &e, failedInserts);
        } else {
            ok = store->beginBatch(op.durable ? TransferStore::Durability::Synced
                                              : TransferStore::Durability::Normal) &&
                 applyOne(store, op, &e) && store->commitBatch();
            if (!ok) {
                store->rollbackBatch();
                if (!e.isError())
                    e = store->lastError();
            }
        }
        if (ok)
            continue;
        (*outcomes)[i] = e;
        if (allOk) {
            allOk = false;
            if (error)
                *error = e;
        }
    }
    return allOk;
}

bool QueueStore::insertEach(TransferStore *store, const Op &op, Error *error, QList<qint64> *failed)
{
    bool allOk = true;
    for (const TransferRecord &row : op.rows) {
        TransferRecord r = row;
        Error e;
        if (store->beginBatch(TransferStore::Durability::Normal) && store->insert(r, &e) &&
            store->commitBatch())
            continue;
        store->rollbackBatch();
        if (!e.isError())
            e = store->lastError();
        failed->append(row.id);
        if (allOk)
            *error = e;
        allOk = false;
    }
    return allOk;
}

} // namespace bt

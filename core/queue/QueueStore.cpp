#include "queue/QueueStore.h"

#include "store/TransferStore.h"

#include <QFile>
#include <QThread>
#include <QTimer>

namespace bt {

namespace {
constexpr int kIdBlock = 256; // ids reserved at a time for new rows
}

QueueStore::QueueStore(QObject *parent) : QObject(parent) {}

QueueStore::~QueueStore()
{
    close();
}

bool QueueStore::open(const QString &dataDir, QList<TransferRecord> *all, Error *error)
{
    close();
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("bt-store"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    m_thread->start();
    bool ok = false;
    QMetaObject::invokeMethod(
        m_context,
        [&] {
            m_store = new TransferStore;
            Error e;
            ok = m_store->open(dataDir, &e);
            if (ok) {
                // The first block of ids for new rows (a locked database: later, in newId()).
                qint64 first = 0;
                if (m_store->reserveIds(kIdBlock, &first)) {
                    m_nextId = first;
                    m_endId = first + kIdBlock;
                }
                *all = m_store->loadAll();
                if (m_store->lastError().isError() && all->isEmpty()) {
                    // loadAll() has no error parameter; a failed read is not an empty store.
                    const Error last = m_store->lastError();
                    if (last.code == ErrorCode::Store) {
                        e = last;
                        ok = false;
                    }
                }
            }
            if (!ok) {
                if (error)
                    *error = e;
                delete m_store;
                m_store = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    if (!ok)
        close();
    return ok;
}

void QueueStore::close()
{
    if (!m_thread)
        return;
    flush();
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            delete m_store;
            m_store = nullptr;
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_context;
    delete m_thread;
    m_context = nullptr;
    m_thread = nullptr;
    m_nextId = m_endId = 0; // the rest of the block stays unused
}

QList<std::optional<TransferRecord>> QueueStore::findDownloads(const QList<TransferRecord> &records)
{
    QList<std::optional<TransferRecord>> found(records.size());
    if (!m_thread)
        return found;
    sendPending(); // keep the order of writes
    QMetaObject::invokeMethod(
        m_context,
        [&] {
            for (qsizetype i = 0; i < records.size(); ++i) {
                const TransferRecord &r = records.at(i);
                found[i] = m_store->findDownload(r.url, r.directory, r.requestedName);
            }
        },
        Qt::BlockingQueuedConnection);
    return found;
}

qint64 QueueStore::newId(Error *error)
{
    if (m_nextId < m_endId)
        return m_nextId++;
    if (!m_thread) {
        if (error)
            *error = {ErrorCode::Store, tr("The transfer database is not open.")};
        return 0;
    }
    // A block at a time: one round trip per kIdBlock new rows.
    qint64 first = 0;
    bool ok = false;
    QMetaObject::invokeMethod(
        m_context, [&] { ok = m_store->reserveIds(kIdBlock, &first, error); },
        Qt::BlockingQueuedConnection);
    if (!ok)
        return 0;
    m_nextId = first;
    m_endId = first + kIdBlock;
    return m_nextId++;
}

void QueueStore::insert(const TransferRecord &record)
{
    Op op;
    op.kind = Op::Insert;
    op.id = record.id;
    op.record = record;
    enqueue(std::move(op));
}

void QueueStore::setState(qint64 id, TransferState state, const Error &lastError)
{
    Op op;
    op.kind = Op::State;
    op.id = id;
    op.state = state;
    op.error = lastError;
    enqueue(std::move(op));
}

void QueueStore::setOrder(qint64 id, int priority, qint64 position)
{
    Op op;
    op.kind = Op::Order;
    op.id = id;
    op.priority = priority;
    op.position = position;
    enqueue(std::move(op));
}

void QueueStore::setResult(qint64 id, const QString &destination, qint64 size,
                           const QString &sha256)
{
    Op op;
    op.kind = Op::Result;
    op.id = id;
    op.text = destination;
    op.size = size;
    op.sha256 = sha256;
    enqueue(std::move(op));
}

void QueueStore::remove(qint64 id)
{
    Op op;
    op.kind = Op::Remove;
    op.id = id;
    enqueue(std::move(op));
}

void QueueStore::removeFile(const QString &path)
{
    Op op;
    op.kind = Op::RemoveFile;
    op.text = path;
    enqueue(std::move(op));
}

void QueueStore::enqueue(Op &&op)
{
    if (!m_thread)
        return;
    m_pending.append(std::move(op));
    if (!m_sendScheduled) {
        m_sendScheduled = true;
        QTimer::singleShot(0, this, &QueueStore::sendPending);
    }
}

void QueueStore::sendPending()
{
    m_sendScheduled = false;
    if (m_pending.isEmpty() || !m_thread)
        return;
    QList<Op> ops = std::move(m_pending);
    m_pending.clear();
    QMetaObject::invokeMethod(
        m_context,
        [this, ops] {
            Error e;
            QList<qint64> failed;
            const bool ok = apply(m_store, ops, &e, &failed);
            QList<qint64> stored;
            for (const Op &op : ops) {
                if (op.kind == Op::Insert && !failed.contains(op.id))
                    stored.append(op.id);
            }
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
        },
        Qt::QueuedConnection);
}

void QueueStore::flush()
{
    if (!m_thread)
        return;
    sendPending();
    QMetaObject::invokeMethod(
        m_context, [] {}, Qt::BlockingQueuedConnection);
}

void QueueStore::afterWrites(std::function<void()> then)
{
    if (!m_thread)
        return;
    sendPending();
    // The store's thread runs events in order: this one comes after the writes above.
    QMetaObject::invokeMethod(
        m_context,
        [this, then = std::move(then)] {
            QMetaObject::invokeMethod(this, then, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

bool QueueStore::applyOne(TransferStore *store, const Op &op, Error *error)
{
    switch (op.kind) {
    case Op::Insert: {
        TransferRecord r = op.record;
        return store->insert(r, error);
    }
    case Op::State:
        return store->setState(op.id, op.state, op.error, error);
    case Op::Order:
    case Op::Result: {
        // Read-modify-write inside the transaction: the engine owns the other columns
        // (offsets, validators) and writes them from its own connection.
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
    case Op::Remove:
        return store->remove(op.id, error);
    case Op::RemoveFile:
        QFile::remove(op.text); // a file already gone is fine
        return true;
    }
    return true;
}

bool QueueStore::apply(TransferStore *store, const QList<Op> &ops, Error *error,
                       QList<qint64> *failedInserts)
{
    if (!store) {
        for (const Op &op : ops) {
            if (op.kind == Op::Insert)
                failedInserts->append(op.id);
        }
        return false;
    }
    if (store->beginBatch()) {
        bool ok = true;
        for (const Op &op : ops) {
            if (!(ok = applyOne(store, op, error)))
                break;
        }
        if (ok && store->commitBatch())
            return true;
        store->rollbackBatch();
    }
    // One failed (a row removed by someone else, a busy database): each on its own, so that
    // the others are still written; the first error is reported.
    bool allOk = true;
    for (const Op &op : ops) {
        Error e;
        if (applyOne(store, op, &e))
            continue;
        if (op.kind == Op::Insert)
            failedInserts->append(op.id);
        if (allOk) {
            allOk = false;
            if (error)
                *error = e;
        }
    }
    return allOk;
}

} // namespace bt

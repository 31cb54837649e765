// QueueManager: the commands a person gives (pause, resume, cancel, retry, remove, order,
// limits) and the reads. The life cycle of jobs is in QueueManager.cpp.
#include "queue/QueueManager.h"

#include "PartName.h"

#include "io/PartFile.h"
#include "queue/QueueEntry.h"
#include "queue/QueueStore.h"
#include "queue/RequestCodec.h"
#include "queue/WorkerPool.h"

#include <QFile>
#include <algorithm>

namespace bt {

void QueueManager::pause(const QList<qint64> &ids)
{
    for (qint64 id : ids) {
        QueueEntry *e = entry(id);
        if (!e)
            continue;
        const TransferState s = e->record.state;
        if (s == TransferState::Queued) {
            m_index->removeQueued(e);
            setState(e, TransferState::Paused);
        } else if (isRunningState(s)) {
            setState(e, TransferState::Paused);
            stopJob(e);
        }
    }
    schedule();
    checkIdleLater();
}

void QueueManager::resume(const QList<qint64> &ids)
{
    for (qint64 id : ids) {
        QueueEntry *e = entry(id);
        if (e && e->record.state == TransferState::Paused)
            makeQueued(e);
    }
    m_wasIdle = m_wasIdle && m_index->queuedCount() == 0;
    schedule();
    checkIdleLater();
}

void QueueManager::retry(const QList<qint64> &ids)
{
    for (qint64 id : ids) {
        QueueEntry *e = entry(id);
        if (e &&
            (e->record.state == TransferState::Failed || e->record.state == TransferState::Paused))
            makeQueued(e);
    }
    m_wasIdle = m_wasIdle && m_index->queuedCount() == 0;
    schedule();
    checkIdleLater();
}

void QueueManager::cancel(const QList<qint64> &ids)
{
    const Error cancelled{ErrorCode::Cancelled, tr("Cancelled")};
    for (qint64 id : ids) {
        QueueEntry *e = entry(id);
        if (!e)
            continue;
        const TransferState s = e->record.state;
        if (s == TransferState::Completed || s == TransferState::Failed)
            continue;
        m_index->removeQueued(e);
        setState(e, TransferState::Failed, cancelled);
        if (e->job && !e->stopping) {
            e->stopping = true;
            WorkerPool::cancel(e->job);
        }
    }
    schedule();
    checkIdleLater();
}

void QueueManager::remove(const QList<qint64> &ids, bool deleteFiles)
{
    for (qint64 id : ids) {
        QueueEntry *e = m_entries.take(id);
        if (!e)
            continue;
        m_index->removeQueued(e);
        auto &positions = m_index->positions();
        if (auto it = positions.find(e->record.position); it != positions.end() && it->second == id)
            positions.erase(it);
        m_dirty.remove(id);
        e->removeFiles = deleteFiles;
        if (e->job) {
            // The row and the files go once the job has let go of them.
            m_removing.insert(id, e);
            stopJob(e);
        } else {
            finishRemoval(e);
        }
        Q_EMIT removed(id);
    }
    schedule();
    checkIdleLater();
}

void QueueManager::finishRemoval(QueueEntry *e)
{
    m_store->remove(e->record.id);
    m_uploadCredentials.remove(e->record.id);
    // An upload's destination is its source: the person's file, never deleted here.
    if (e->removeFiles && !e->record.destination.isEmpty() &&
        e->record.direction != TransferDirection::Upload) {
        // Only what this transfer wrote: the published file, or its partial. An incomplete
        // transfer never published anything under the final name.
        const QString path = e->record.state == TransferState::Completed
                                 ? e->record.destination
                                 : partPath(e->record.destination);
        if (!partFileInUse(path)) // another process's download: not ours to delete
            m_store->removeFile(path);
    }
    delete e;
}

void QueueManager::setPriority(const QList<qint64> &ids, int priority)
{
    for (qint64 id : ids) {
        QueueEntry *e = entry(id);
        if (!e || e->record.priority == priority)
            continue;
        const bool queued = e->inQueue;
        m_index->removeQueued(e); // the key holds the priority
        e->record.priority = priority;
        if (queued)
            m_index->addQueued(e);
        m_store->setOrder(id, priority, e->record.position);
        markDirty(e);
    }
    schedule();
}

void QueueManager::setPosition(QueueEntry *e, qint64 position)
{
    const qint64 id = e->record.id;
    auto &positions = m_index->positions();
    if (auto it = positions.find(e->record.position); it != positions.end() && it->second == id)
        positions.erase(it);
    const bool queued = e->inQueue;
    m_index->removeQueued(e); // the key holds the position
    e->record.position = position;
    positions[position] = id;
    if (queued)
        m_index->addQueued(e);
    m_store->setOrder(id, e->record.priority, position);
    markDirty(e);
}

namespace {
// The selection in manual order, unknown ids dropped.
QList<QueueEntry *> inOrder(const QList<qint64> &ids,
                            const std::function<QueueEntry *(qint64)> &lookup)
{
    QList<QueueEntry *> list;
    for (qint64 id : ids) {
        if (QueueEntry *e = lookup(id); e && !list.contains(e))
            list.append(e);
    }
    std::sort(list.begin(), list.end(), [](const QueueEntry *a, const QueueEntry *b) {
        return a->record.position < b->record.position;
    });
    return list;
}
} // namespace

void QueueManager::moveUp(const QList<qint64> &ids)
{
    const auto lookup = [this](qint64 id) { return entry(id); };
    const QList<QueueEntry *> list = inOrder(ids, lookup);
    const QSet<qint64> selected(ids.cbegin(), ids.cend());
    auto &positions = m_index->positions();
    for (QueueEntry *e : list) {
        auto it = positions.find(e->record.position);
        if (it == positions.begin() || it == positions.end())
            continue;
        auto prev = std::prev(it);
        if (selected.contains(prev->second))
            continue; // the one above is selected and could not move: keep the block
        QueueEntry *other = entry(prev->second);
        const qint64 mine = e->record.position;
        setPosition(e, other->record.position);
        setPosition(other, mine);
    }
    Q_EMIT orderChanged();
    schedule();
}

void QueueManager::moveDown(const QList<qint64> &ids)
{
    const auto lookup = [this](qint64 id) { return entry(id); };
    QList<QueueEntry *> list = inOrder(ids, lookup);
    std::reverse(list.begin(), list.end());
    const QSet<qint64> selected(ids.cbegin(), ids.cend());
    auto &positions = m_index->positions();
    for (QueueEntry *e : list) {
        auto it = positions.find(e->record.position);
        if (it == positions.end())
            continue;
        auto next = std::next(it);
        if (next == positions.end() || selected.contains(next->second))
            continue;
        QueueEntry *other = entry(next->second);
        const qint64 mine = e->record.position;
        setPosition(e, other->record.position);
        setPosition(other, mine);
    }
    Q_EMIT orderChanged();
    schedule();
}

void QueueManager::moveTop(const QList<qint64> &ids)
{
    const auto lookup = [this](qint64 id) { return entry(id); };
    const QList<QueueEntry *> list = inOrder(ids, lookup);
    const qint64 first = m_index->firstPosition() - list.size();
    for (int i = 0; i < list.size(); ++i)
        setPosition(list.at(i), first + i);
    Q_EMIT orderChanged();
    schedule();
}

void QueueManager::moveBottom(const QList<qint64> &ids)
{
    const auto lookup = [this](qint64 id) { return entry(id); };
    const QList<QueueEntry *> list = inOrder(ids, lookup);
    const qint64 next = m_index->nextPosition();
    for (int i = 0; i < list.size(); ++i)
        setPosition(list.at(i), next + i);
    Q_EMIT orderChanged();
    schedule();
}

void QueueManager::setMaxActive(int count)
{
    m_maxActive = qMax(1, count);
    schedule(); // fewer: the running ones finish, none starts until below the limit
}

void QueueManager::setProxy(const QString &setting)
{
    m_proxySetting = setting;
    if (m_pool)
        m_pool->setProxy(setting);
}

void QueueManager::setMaxPerHost(int count)
{
    m_maxPerHost = qMax(0, count);
    schedule();
}

void QueueManager::setSpeedLimits(const SpeedLimitSet &limits)
{
    m_limits->setNormal(limits);
    applyLimitsToRunning();
}

void QueueManager::setAlternativeSpeedLimits(const SpeedLimitSet &limits)
{
    m_limits->setAlternative(limits);
    applyLimitsToRunning();
}

void QueueManager::setAlternativeLimitsEnabled(bool enabled)
{
    m_limits->setAlternativeEnabled(enabled);
    applyLimitsToRunning();
}

void QueueManager::applyLimitsToRunning()
{
    for (qint64 id : std::as_const(m_running)) {
        QueueEntry *e = entry(id);
        if (e && e->job && !e->stopping)
            e->job->setRateLimit(m_limits->perTransferLimit(requestcodec::rateLimit(e->record)));
    }
}

QList<qint64> QueueManager::ids() const
{
    QList<qint64> list;
    list.reserve(m_entries.size());
    for (const auto &[position, id] : m_index->positions())
        list.append(id);
    return list;
}

std::optional<TransferSnapshot> QueueManager::snapshot(qint64 id) const
{
    if (const QueueEntry *e = entry(id))
        return snapshotOf(*e);
    return std::nullopt;
}

QList<TransferSnapshot> QueueManager::snapshots() const
{
    QList<TransferSnapshot> list;
    list.reserve(m_entries.size());
    for (const auto &[position, id] : m_index->positions())
        list.append(snapshotOf(*entry(id)));
    return list;
}

std::optional<TransferRecord> QueueManager::record(qint64 id) const
{
    if (const QueueEntry *e = entry(id))
        return e->record;
    return std::nullopt;
}

int QueueManager::activeCount() const
{
    int n = 0;
    for (qint64 id : std::as_const(m_running)) {
        const QueueEntry *e = entry(id);
        n += e && isRunningState(e->record.state);
    }
    return n;
}

int QueueManager::queuedCount() const
{
    return m_index->queuedCount();
}

QString transferStateName(TransferState state)
{
    switch (state) {
    case TransferState::Queued:
        return QStringLiteral("queued");
    case TransferState::Active:
        return QStringLiteral("active");
    case TransferState::Paused:
        return QStringLiteral("paused");
    case TransferState::Verifying:
        return QStringLiteral("verifying");
    case TransferState::Completed:
        return QStringLiteral("completed");
    case TransferState::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("unknown");
}

} // namespace bt

// QueueManager: the asynchronous open and shutdown. The queue's thread (the UI's) never waits
// for the store's or a worker's: each step is started here and goes on when its answer comes
// back as a queued signal, and the sequence ends with opened() or shutdownFinished().
#include "queue/QueueEntry.h"
#include "queue/QueueManager.h"
#include "queue/QueueStore.h"
#include "queue/RequestCodec.h"
#include "queue/Transfers.h"
#include "queue/WorkerPool.h"

#include <climits>

namespace bt {

void QueueManager::open(const QString &dataDir, const Options &options)
{
    if (m_phase != Phase::Closed)
        return;
    m_phase = Phase::Opening;
    m_options = options;
    m_options.storedRowsFor.reset(); // the store's thread has its own copy; 3,000 keys are 0.3 MB
    // What an earlier session held: the store is read again.
    qDeleteAll(m_entries);
    m_entries.clear();
    qDeleteAll(m_removing);
    m_removing.clear();
    m_running.clear();
    m_finishing = 0;
    m_dirty.clear();
    m_waitingForCredentials.clear();
    m_index = std::make_unique<QueueIndex>();
    m_openError = {};
    m_storeOpened = m_poolReady = m_poolStopped = m_storeClosed = m_shutdownAsked = false;
    if (!m_factory)
        m_factory = transfers::standard();
    m_store = std::make_unique<QueueStore>();
    connect(m_store.get(), &QueueStore::writeFailed, this, &QueueManager::storeError);
    connect(m_store.get(), &QueueStore::inserted, this, &QueueManager::onInserted);
    connect(m_store.get(), &QueueStore::opened, this, &QueueManager::onStoreOpened);
    connect(m_store.get(), &QueueStore::closed, this, &QueueManager::onStoreClosed);
    m_pool = std::make_unique<WorkerPool>();
    m_pool->setProxy(m_proxySetting);
    connect(m_pool.get(), &WorkerPool::ready, this, &QueueManager::onPoolReady);
    connect(m_pool.get(), &WorkerPool::stopped, this, &QueueManager::onPoolStopped);
    // Both start at once; the queue opens when both have answered.
    m_store->open(dataDir, options.reserveIds,
                  options.loadExisting ? std::nullopt : options.storedRowsFor);
    m_pool->start(options.threads);
}

void QueueManager::onStoreOpened(const Error &error, QList<TransferRecord> all)
{
    if (m_phase != Phase::Opening || m_shutdownAsked)
        return;
    if (error.isError()) {
        // The store's thread is ending already (closed() follows); the workers end too, then
        // opened(error).
        m_openError = error;
        closeServices();
        return;
    }
    m_storeOpened = true;
    m_loaded = std::move(all);
    if (m_poolReady)
        finishOpen();
}

void QueueManager::onPoolReady()
{
    if (m_phase != Phase::Opening || m_shutdownAsked)
        return;
    m_poolReady = true;
    if (m_storeOpened)
        finishOpen();
}

void QueueManager::finishOpen()
{
    QList<TransferRecord> all = std::exchange(m_loaded, {});
    m_holdsAll = m_options.loadExisting;
    m_storedUploads.clear();
    m_storedDownloads.clear();
    if (!m_holdsAll) {
        for (TransferRecord &r : all) {
            if (r.direction == TransferDirection::Upload) {
                m_storedUploads.append(std::move(r));
                continue;
            }
            // The newest row of a request wins, as in the store.
            const QString key = requestcodec::matchKey(r);
            const auto it = m_storedDownloads.constFind(key);
            if (it == m_storedDownloads.cend() || it->id < r.id)
                m_storedDownloads.insert(key, std::move(r));
        }
    } else {
        m_entries.reserve(all.size());
        qint64 lastPosition = LLONG_MIN;
        for (TransferRecord &r : all) {
            // Positions are unique (manual order); older rows may share one.
            if (r.position <= lastPosition) {
                r.position = lastPosition + 1;
                m_store->setOrder(r.id, r.priority, r.position);
            }
            lastPosition = r.position;
            // Interrupted transfers go back to the queue first and continue from there.
            if (isRunningState(r.state)) {
                r.state = TransferState::Queued;
                m_store->setState(r.id, r.state);
            }
            addEntry(r);
        }
    }
    m_phase = Phase::Open;
    m_timer.setInterval(qMax(10, m_options.progressIntervalMs));
    m_timer.start();
    m_insideWindow = isInsideWindow();
    // Restored work counts: idle() follows when it is done, however fast that goes.
    m_wasIdle = isIdle();
    // One turn later: the receivers of opened() set their limits and credential provider first.
    QMetaObject::invokeMethod(this, &QueueManager::schedule, Qt::QueuedConnection);
    Q_EMIT opened({});
}

void QueueManager::shutdown(int timeoutMs)
{
    switch (m_phase) {
    case Phase::Closed:
        QMetaObject::invokeMethod(this, &QueueManager::shutdownFinished, Qt::QueuedConnection);
        return;
    case Phase::Opening:
        if (m_shutdownAsked)
            return;
        m_shutdownAsked = true;
        if (!m_openError.isError())
            m_openError = {ErrorCode::Cancelled, tr("The queue was shut down while it opened.")};
        closeServices();
        return;
    case Phase::Stopping:
    case Phase::Closing:
        m_shutdownAsked = true;
        return;
    case Phase::Open:
        break;
    }
    m_shutdownAsked = true;
    m_phase = Phase::Stopping;
    m_timer.stop();
    // The jobs flush their data and save their resume state when stopped; their finished()
    // comes back through the pool (onFinished), the last one goes on with closeAfterJobs().
    for (qint64 id : std::as_const(m_running)) {
        if (QueueEntry *e = m_entries.value(id, m_removing.value(id)))
            stopJob(e);
    }
    if (m_running.isEmpty())
        QMetaObject::invokeMethod(this, &QueueManager::closeAfterJobs, Qt::QueuedConnection);
    else
        m_stopTimer.start(qMax(0, timeoutMs));
}

void QueueManager::dropJobs()
{
    // A stopped transfer saved its offsets, not a state: the interrupted ones are still
    // running in the store, so that the next open() resumes them.
    m_confirmingComplete.clear();
    stopAfterDownloads();
    for (QueueEntry *e : std::as_const(m_entries)) {
        e->job = nullptr; // the pool deletes those that did not stop in time
        e->finishing = false;
    }
    m_running.clear();
    m_finishing = 0;
    for (QueueEntry *e : std::as_const(m_removing))
        finishRemoval(e);
    m_removing.clear();
    m_storedUploads.clear();
    m_storedDownloads.clear();
}

void QueueManager::closeAfterJobs()
{
    if (m_phase != Phase::Stopping)
        return;
    m_stopTimer.stop();
    m_phase = Phase::Closing;
    dropJobs();
    closeServices();
}

void QueueManager::closeServices()
{
    // The workers first: a job deleted there may still hand its last checkpoint to the store.
    if (m_pool)
        m_pool->shutdown();
    else
        onPoolStopped();
}

void QueueManager::onPoolStopped()
{
    m_poolStopped = true;
    if (!m_storeClosed)
        m_store->close(); // writes what is pending, then closed()
    else
        QMetaObject::invokeMethod(this, &QueueManager::finishClose, Qt::QueuedConnection);
}

void QueueManager::onStoreClosed()
{
    m_storeClosed = true;
    if (m_poolStopped)
        QMetaObject::invokeMethod(this, &QueueManager::finishClose, Qt::QueuedConnection);
}

void QueueManager::finishClose()
{
    if (m_phase == Phase::Closed)
        return;
    const bool opening = m_phase == Phase::Opening;
    // The closed store and the stopped pool stay until the next open(): a command given now
    // finds a store that drops writes, never a null one.
    m_loaded.clear();
    m_phase = Phase::Closed;
    if (opening)
        Q_EMIT opened(m_openError);
    if (m_shutdownAsked)
        Q_EMIT shutdownFinished();
}

void QueueManager::closeNow()
{
    // The last resort (destroyed before shutdownFinished()): nothing waits for the jobs to
    // stop; the pool deletes them on their threads and the store writes what it was handed.
    m_stopTimer.stop();
    m_timer.stop();
    m_phase = Phase::Closing;
    dropJobs();
    m_pool.reset();  // joins the workers
    m_store.reset(); // the last batch, then joins the store's thread
    m_phase = Phase::Closed;
}

} // namespace bt

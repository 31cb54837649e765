#include "queue/QueueManager.h"

#include "queue/QueueEntry.h"
#include "queue/QueueStore.h"
#include "queue/RequestCodec.h"
#include "queue/Transfers.h"
#include "queue/WorkerPool.h"
#include "upload/UploadRequestCodec.h"

#include <QTimer>
#include <climits>
#include <utility>

namespace bt {

namespace {
constexpr qsizetype kSnapshotsPerSignal = 256;
} // namespace

QueueManager::QueueManager(QObject *parent)
    : TransferQueue(parent), m_clock([] { return QDateTime::currentDateTime(); }),
      m_index(std::make_unique<QueueIndex>()), m_limits(std::make_unique<SpeedLimits>())
{
    qRegisterMetaType<TransferProgress>();
    qRegisterMetaType<TransferResult>();
    qRegisterMetaType<TransferSnapshot>();
    qRegisterMetaType<QList<TransferSnapshot>>();
    qRegisterMetaType<Error>();
    m_timer.setInterval(250);
    connect(&m_timer, &QTimer::timeout, this, &QueueManager::tick);
    m_stopTimer.setSingleShot(true);
    connect(&m_stopTimer, &QTimer::timeout, this, &QueueManager::closeAfterJobs);
    m_elapsed.start();
}

QueueManager::~QueueManager()
{
    if (m_phase != Phase::Closed)
        closeNow();
    qDeleteAll(m_entries);
    qDeleteAll(m_removing);
}

void QueueManager::setJobFactory(JobFactory factory)
{
    m_factory = std::move(factory);
}

void QueueManager::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
}

QueueEntry *QueueManager::entry(qint64 id) const
{
    return m_entries.value(id);
}

QueueEntry *QueueManager::addEntry(const TransferRecord &record)
{
    auto *e = new QueueEntry;
    e->record = record;
    e->host = record.url.host().toLower();
    m_entries.insert(record.id, e);
    m_index->positions()[record.position] = record.id;
    if (record.state == TransferState::Queued)
        m_index->addQueued(e);
    return e;
}

bool QueueManager::isRunningState(TransferState state)
{
    return state == TransferState::Active || state == TransferState::Verifying;
}

void QueueManager::setState(QueueEntry *e, TransferState state, const Error &error)
{
    e->record.setState(state, error);
    e->retry = {}; // a new state (started, paused, failed): the wait is over
    const bool running = state == TransferState::Queued || isRunningState(state);
    if (!running)
        m_confirmingComplete.remove(e->record.id);
    if (!running || !m_confirmingComplete.contains(e->record.id))
        m_store->setState(e->record.id, state, error);
    markDirty(e);
}

void QueueManager::makeQueued(QueueEntry *e)
{
    setState(e, TransferState::Queued);
    if (!e->job)
        m_index->addQueued(e); // else when the stopping job has finished
}

void QueueManager::stopJob(QueueEntry *e)
{
    if (!e->job || e->stopping)
        return;
    e->stopping = true;
    WorkerPool::stop(e->job);
}

void QueueManager::schedule()
{
    if (m_phase != Phase::Open || !m_insideWindow)
        return;
    // Downloads that only verify and publish leave their place to the next one; at most as
    // many again may be finishing (a slow disk must not pile them up).
    while (m_running.size() - m_finishing < m_maxActive && m_running.size() < 2 * m_maxActive) {
        const qint64 id = m_index->nextStartable(m_maxPerHost);
        if (id == 0)
            break;
        startEntry(entry(id));
    }
}

void QueueManager::startEntry(QueueEntry *e)
{
    m_index->removeQueued(e);
    const qint64 id = e->record.id;
    const int worker = m_pool->pickWorker();
    JobContext context = m_pool->context(worker);
    context.storage = m_store.get();
    context.downloadLimiter = m_limits->downloadLimiter();
    context.uploadLimiter = m_limits->uploadLimiter();
    context.rateLimit = m_limits->perTransferLimit(requestcodec::rateLimit(e->record));
    if (e->record.direction == TransferDirection::Upload &&
        !uploadCredentialsFor(e, &context.uploadCredentials))
        return;
    if (e->rowKnown)
        context.storedRow = std::make_shared<const TransferRecord>(e->record);
    e->rowKnown = false; // the job writes its own columns from now on
    Transfer *job = m_factory ? m_factory(e->record, context) : nullptr;
    if (!job) {
        setState(e, TransferState::Failed,
                 {ErrorCode::InvalidArgument, tr("This transfer cannot be started.")});
        return;
    }
    e->job = job;
    e->stopping = false;
    e->sampled = false;
    e->meter.reset();
    m_running.insert(id);
    m_index->addRunning(e->host);
    connect(
        job, &Transfer::progress, this,
        [this, id](const TransferProgress &p) { onProgress(id, p); }, Qt::QueuedConnection);
    // Only Verifying matters here: the other phases are not posted across (4 a file).
    connect(
        job, &Transfer::phaseChanged, job,
        [this, id](TransferPhase phase) {
            if (phase == TransferPhase::Verifying)
                QMetaObject::invokeMethod(
                    this, [this, id] { onVerifying(id); }, Qt::QueuedConnection);
        },
        Qt::DirectConnection);
    connect(
        job, &Transfer::message, this,
        [this, id](const QString &text) { Q_EMIT message(id, text); }, Qt::QueuedConnection);
    connect(
        job, &Transfer::retrying, this,
        [this, id](const Error &error, qint64 delayMs, int attempt, int maxAttempts) {
            onRetrying(id, error, delayMs, attempt, maxAttempts);
        },
        Qt::QueuedConnection);
    // finished() comes through the pool, after it freed the job's worker.
    const auto finished = [this, id](const TransferResult &r) { onFinished(id, r); };
    setState(e, TransferState::Active);
    // A new row's insert may still be on its way: the job's first read of its row comes
    // after it in the store's one ordered list.
    m_pool->run(job, worker, finished);
}

void QueueManager::onProgress(qint64 id, const TransferProgress &p)
{
    QueueEntry *e = entry(id);
    if (!e || !e->job)
        return;
    if (e->retry.isWaiting() && p.done > e->retryDone)
        e->retry = {}; // bytes again: no longer waiting
    e->connections = p.connections;
    e->segments = p.segments;
    e->parts = p.parts;
    e->record.doneSize = p.done;
    e->record.totalSize = p.total;
    if (!p.fileName.isEmpty())
        e->record.destination = p.fileName;
    if (p.finalUrl.isValid()) { // what the details show while it runs
        e->record.finalUrl = p.finalUrl;
        e->record.etag = p.etag;
        e->record.lastModified = p.lastModified;
        e->record.segments = p.segments; // the segment map moves (a resumed one too)
    }
    e->sampled = true; // the snapshot goes out with the next tick
}

void QueueManager::onRetrying(qint64 id, const Error &error, qint64 delayMs, int attempt,
                              int maxAttempts)
{
    QueueEntry *e = entry(id);
    if (!e || !e->job || e->stopping)
        return;
    e->retry.error = error;
    e->retry.atMs = QDateTime::currentMSecsSinceEpoch() + qMax<qint64>(0, delayMs);
    e->retry.attempt = attempt;
    e->retry.maxAttempts = maxAttempts;
    e->retryDone = e->record.doneSize;
    markDirty(e);
}

void QueueManager::onVerifying(qint64 id)
{
    QueueEntry *e = entry(id);
    if (!e || !e->job || e->stopping)
        return;
    if (e->record.state == TransferState::Active)
        setState(e, TransferState::Verifying);
    if (e->record.direction == TransferDirection::Download && !e->finishing) {
        e->finishing = true;
        ++m_finishing;
        m_index->removeRunning(e->host);
        m_pool->leftNetwork(e->job);
        schedule();
    }
}

void QueueManager::releaseHost(QueueEntry *e)
{
    if (e->finishing) { // its host's count went down when it left the network
        e->finishing = false;
        --m_finishing;
    } else {
        m_index->removeRunning(e->host);
    }
}

void QueueManager::onFinished(qint64 id, const TransferResult &result)
{
    QueueEntry *e = entry(id);
    if (!e) {
        if ((e = m_removing.take(id))) {
            m_running.remove(id);
            releaseHost(e);
            e->job = nullptr;
            finishRemoval(e);
        }
    } else if (e->job) {
        e->job = nullptr;
        m_running.remove(id);
        m_confirmingComplete.remove(id); // what follows is written
        releaseHost(e);
        const bool commanded = e->stopping;
        e->stopping = false;
        e->speed = 0;
        e->etaSeconds = -1;
        e->connections = 0;
        if (!result.error.isError()) {
            e->record.destination = result.path;
            e->record.doneSize = e->record.totalSize = result.size;
            e->record.sha256 = QString::fromLatin1(result.sha256Hex);
            e->record.completed = QDateTime::currentDateTimeUtc();
            // The state is written again all the same: a Verifying of the queue's may have
            // reached the store after the engine's Completed.
            if (!result.rowStored)
                m_store->setResult(id, result.path, result.size, e->record.sha256);
            setState(e, TransferState::Completed);
            if (!result.alreadyComplete)
                startAfterDownload(*e, result);
            Q_EMIT transferFinished(result);
        } else if (m_phase == Phase::Stopping) {
            // Stays Active in the store: the next open() resumes it.
        } else if (commanded) {
            // The command already set the state; a queued one may start again.
            if (e->record.state == TransferState::Queued)
                m_index->addQueued(e);
            else if (isRunningState(e->record.state))
                makeQueued(e);
        } else {
            const ErrorCode code = result.error.code;
            if (code == ErrorCode::DiskFull || code == ErrorCode::PermissionDenied)
                setState(e, TransferState::Paused, result.error); // retry after making room
            else if (code == ErrorCode::Cancelled)
                setState(e, TransferState::Paused);
            else
                setState(e, TransferState::Failed, result.error);
            Q_EMIT transferFinished(result);
        }
    }
    if (m_phase == Phase::Stopping && m_running.isEmpty()) {
        closeAfterJobs();
        return;
    }
    // The pool has counted the job off its worker already: the next job goes to the freed
    // worker (and its idle keep-alive connection).
    schedule();
    checkIdleLater();
}

void QueueManager::checkIdleLater()
{
    if (m_idleCheckScheduled)
        return;
    m_idleCheckScheduled = true;
    QTimer::singleShot(0, this, &QueueManager::checkIdle);
}

void QueueManager::checkIdle()
{
    m_idleCheckScheduled = false;
    const bool nowIdle = isIdle();
    if (nowIdle && !m_wasIdle && m_phase == Phase::Open)
        Q_EMIT idle();
    m_wasIdle = nowIdle;
}

bool QueueManager::isIdle() const
{
    return m_running.isEmpty() && m_afterDownloads.isEmpty() &&
           (m_index->queuedCount() == 0 || !m_insideWindow);
}

void QueueManager::markDirty(QueueEntry *e)
{
    m_dirty.insert(e->record.id);
}

void QueueManager::tick()
{
    checkWindow();
    const qint64 now = m_elapsedMs ? m_elapsedMs() : m_elapsed.elapsed();
    for (qint64 id : std::as_const(m_running)) {
        QueueEntry *e = entry(id);
        if (!e || e->stopping)
            continue;
        const TransferRecord &r = e->record;
        e->meter.addSample(now, r.doneSize);
        const qint64 speed = e->meter.bytesPerSecond();
        const qint64 eta = r.totalSize > 0 ? e->meter.etaSeconds(r.totalSize - r.doneSize) : -1;
        if (e->sampled || speed != e->speed || eta != e->etaSeconds) {
            e->speed = speed;
            e->etaSeconds = eta;
            m_dirty.insert(id);
        }
        e->sampled = false;
    }
    if (m_dirty.isEmpty())
        return;
    // In lists of at most kSnapshotsPerSignal: 3,000 links just added are 3,000 snapshots,
    // a megabyte in one list that would stay in the heap once freed.
    const QSet<qint64> dirty = std::exchange(m_dirty, {});
    QList<TransferSnapshot> changed;
    changed.reserve(qMin(dirty.size(), kSnapshotsPerSignal));
    for (qint64 id : dirty) {
        if (const QueueEntry *e = entry(id))
            changed.append(snapshotOf(*e));
        if (changed.size() == kSnapshotsPerSignal) {
            Q_EMIT snapshotsChanged(changed);
            changed.clear();
        }
    }
    if (!changed.isEmpty())
        Q_EMIT snapshotsChanged(changed);
}

bool QueueManager::isInsideWindow() const
{
    return !m_window || m_window->contains(m_clock().time());
}

void QueueManager::setScheduleWindow(const std::optional<TimeWindow> &window)
{
    m_window = window && window->isValid() ? window : std::nullopt;
    checkWindow();
}

void QueueManager::checkWindow()
{
    const bool inside = isInsideWindow();
    if (inside == m_insideWindow || m_phase != Phase::Open)
        return;
    m_insideWindow = inside;
    if (inside) {
        schedule();
    } else {
        // Outside the window the running ones stop and wait in the queue for the next one.
        const QSet<qint64> running = m_running;
        for (qint64 id : running) {
            QueueEntry *e = entry(id);
            if (e && !e->stopping && isRunningState(e->record.state)) {
                setState(e, TransferState::Queued);
                stopJob(e);
            }
        }
    }
    checkIdleLater();
}

TransferSnapshot QueueManager::snapshotOf(const QueueEntry &e) const
{
    TransferSnapshot s;
    s.id = e.record.id;
    s.state = e.record.state;
    s.progress.id = e.record.id;
    s.progress.done = e.record.doneSize;
    s.progress.total = e.record.totalSize;
    s.progress.speed = e.speed;
    s.progress.etaSeconds = e.etaSeconds;
    s.progress.connections = e.connections;
    s.progress.fileName = e.record.destination;
    s.progress.segments = e.segments;
    s.progress.parts = e.parts;
    s.lastError.code = ErrorCode(e.record.errorCode);
    s.lastError.message = e.record.lastError;
    s.priority = e.record.priority;
    s.position = e.record.position;
    s.url = e.record.url;
    s.waitingForSchedule = e.record.state == TransferState::Queued && !m_insideWindow;
    s.retry = e.retry;
    return s;
}

void QueueManager::flushStore()
{
    if (m_store && m_store->isOpen())
        m_store->afterWrites([this] { Q_EMIT storeFlushed(); });
    else
        QMetaObject::invokeMethod(this, &QueueManager::storeFlushed, Qt::QueuedConnection);
}

} // namespace bt

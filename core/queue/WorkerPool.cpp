#include "queue/WorkerPool.h"

#include "net/HttpClient.h"

#include <QPointer>
#include <QThread>

namespace bt {

// Lives on its worker thread; everything it creates belongs to that thread.
class Worker : public QObject
{
public:
    HttpClient *network = nullptr;
    QList<QPointer<Transfer>> jobs; // touched on the worker thread only
    QString proxy;                  // set before init()

    void init()
    {
        network = new HttpClient(this);
        network->setProxy(proxy);
    }

    void cleanup()
    {
        // Jobs use the HTTP client: they go first.
        for (const QPointer<Transfer> &job : std::as_const(jobs))
            delete job.data();
        jobs.clear();
        delete network;
        network = nullptr;
    }
};

WorkerPool::WorkerPool(QObject *parent) : QObject(parent) {}

void WorkerPool::setProxy(const QString &setting)
{
    m_proxy = setting;
    for (Worker *worker : std::as_const(m_workers)) {
        // Each HttpClient belongs to its worker's thread: tell it there.
        QMetaObject::invokeMethod(
            worker,
            [worker, setting] {
                if (worker->network)
                    worker->network->setProxy(setting);
            },
            Qt::QueuedConnection);
    }
}

WorkerPool::~WorkerPool()
{
    if (m_threads.isEmpty())
        return;
    // The last resort: the owner did not wait for stopped(). Each thread ends after its
    // cleanup; joining them is the only wait, as short as deleting what is left.
    if (m_phase != Phase::Stopping)
        shutdown();
    for (QThread *thread : std::as_const(m_threads))
        thread->wait();
    clear();
}

void WorkerPool::start(int threads)
{
    if (isRunning())
        return;
    if (threads <= 0)
        threads = QThread::idealThreadCount();
    threads = qMax(2, threads);
    m_phase = Phase::Starting;
    m_starting = threads;
    for (int i = 0; i < threads; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("bt-worker-%1").arg(i));
        auto *worker = new Worker;
        worker->proxy = m_proxy;
        worker->moveToThread(thread);
        thread->start();
        m_threads.append(thread);
        m_workers.append(worker);
        m_load.append(0);
        // Its HttpClient is made there (libcurl's notifiers belong to that thread); the queued
        // answer publishes the pointer to this thread before any job is given to it.
        QMetaObject::invokeMethod(
            worker,
            [this, worker] {
                worker->init();
                QMetaObject::invokeMethod(this, &WorkerPool::workerReady, Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }
}

void WorkerPool::workerReady()
{
    if (m_phase != Phase::Starting || --m_starting > 0)
        return;
    m_phase = Phase::Ready;
    Q_EMIT ready();
}

int WorkerPool::pickWorker() const
{
    int best = 0;
    for (int i = 1; i < m_load.size(); ++i) {
        if (m_load.at(i) < m_load.at(best))
            best = i;
    }
    return best;
}

JobContext WorkerPool::context(int worker) const
{
    JobContext c;
    if (worker >= 0 && worker < m_workers.size())
        c.network = m_workers.at(worker)->network;
    return c;
}

int WorkerPool::jobCount(int worker) const
{
    return m_load.value(worker);
}

void WorkerPool::leftNetwork(Transfer *job)
{
    const auto it = m_live.constFind(job);
    if (it == m_live.cend() || m_offNetwork.contains(job))
        return;
    m_offNetwork.insert(job);
    --m_load[it.value()];
}

void WorkerPool::run(Transfer *job, int worker,
                     const std::function<void(const TransferResult &)> &onFinished)
{
    Worker *w = m_workers.at(worker);
    ++m_load[worker];
    m_live.insert(job, worker);
    QPointer<Transfer> guard(job);
    // The one receiver of finished(): a second queued receiver (the queue) could run, and
    // place the next job, before this one's event is even posted when the worker thread is
    // preempted between the two posts.
    connect(
        job, &Transfer::finished, this,
        [this, job, guard, onFinished](const TransferResult &result) {
            // A job emits finished() once; the map keeps the count right anyway.
            const auto it = m_live.find(job);
            if (it == m_live.end())
                return;
            if (!m_offNetwork.remove(job))
                --m_load[it.value()];
            m_live.erase(it);
            if (guard)
                guard->deleteLater();
            if (onFinished)
                onFinished(result);
        },
        Qt::QueuedConnection);
    job->moveToThread(m_threads.at(worker));
    QMetaObject::invokeMethod(
        w,
        [w, guard] {
            w->jobs.removeIf([](const QPointer<Transfer> &p) { return p.isNull(); });
            if (!guard)
                return;
            w->jobs.append(guard);
            guard->start(); // dropped when it was stopped first
        },
        Qt::QueuedConnection);
}

void WorkerPool::stop(Transfer *job)
{
    QMetaObject::invokeMethod(job, &Transfer::stop, Qt::QueuedConnection);
}

void WorkerPool::cancel(Transfer *job)
{
    QMetaObject::invokeMethod(job, &Transfer::cancel, Qt::QueuedConnection);
}

void WorkerPool::shutdown()
{
    if (m_phase == Phase::Stopping)
        return;
    m_phase = Phase::Stopping;
    m_ending = int(m_threads.size());
    if (m_ending == 0) {
        m_phase = Phase::Stopped;
        QMetaObject::invokeMethod(this, &WorkerPool::stopped, Qt::QueuedConnection);
        return;
    }
    for (int i = 0; i < m_threads.size(); ++i) {
        Worker *w = m_workers.at(i);
        QThread *thread = m_threads.at(i);
        connect(thread, &QThread::finished, this, &WorkerPool::threadEnded);
        // After what was posted to it before (its init, the jobs' starts): then it ends.
        QMetaObject::invokeMethod(
            w,
            [w, thread] {
                w->cleanup();
                thread->quit();
            },
            Qt::QueuedConnection);
    }
}

void WorkerPool::threadEnded()
{
    if (--m_ending > 0)
        return;
    for (QThread *thread : std::as_const(m_threads))
        thread->wait(); // every event loop has returned: this only joins them
    clear();
    Q_EMIT stopped();
}

void WorkerPool::clear()
{
    qDeleteAll(m_workers);
    qDeleteAll(m_threads);
    m_threads.clear();
    m_workers.clear();
    m_load.clear();
    m_live.clear();
    m_offNetwork.clear();
    m_phase = Phase::Stopped;
    m_starting = m_ending = 0;
}

} // namespace bt

#pragma once

#include "Error.h"
#include "queue/JobContext.h"
#include "transfer/Transfer.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <functional>

class QThread;

namespace bt {

class Worker;

// A fixed pool of worker threads. Each owns an HttpClient (libcurl, every connection of its
// jobs), created on that thread. Jobs are moved to the least loaded worker and started with a
// queued call, so the caller's thread never does network or disk work; they keep their state
// through the queue's ResumeStorage, never through SQL of their own. Use from one thread
// (the queue's), which never waits for a worker: start() and shutdown() answer with ready()
// and stopped().
class WorkerPool : public QObject
{
    Q_OBJECT
public:
    explicit WorkerPool(QObject *parent = nullptr);
    // Without shutdown() and stopped() first: the last resort, shutdown() and a wait for the
    // threads.
    ~WorkerPool() override;

    // Starts the threads (threads <= 0: QThread::idealThreadCount(); never fewer than 2); each
    // worker makes its HttpClient on its own thread, then ready() follows. Jobs wait for it.
    void start(int threads);
    bool isRunning() const { return !m_threads.isEmpty(); }
    bool isReady() const { return m_phase == Phase::Ready; }
    int threadCount() const { return int(m_threads.size()); }

    // The least loaded worker, and what a job placed there may use.
    int pickWorker() const;
    JobContext context(int worker) const;
    // The jobs on `worker` that still use its network (see leftNetwork()).
    int jobCount(int worker) const;
    // `job` no longer uses its worker's network (a download that only verifies and publishes):
    // the next job is placed by where connections run, and takes this one's idle connection.
    void leftNetwork(Transfer *job);

    // Moves `job` (no parent) to `worker` and starts it there. Once it emitted finished(),
    // the pool counts it off its worker, deletes it (deleteLater), and only then calls
    // `onFinished` (on the pool's thread): a job placed from there sees the freed worker,
    // whatever the threads' timing. At shutdown the pool deletes it without a call.
    void run(Transfer *job, int worker,
             const std::function<void(const TransferResult &)> &onFinished);
    // Asks a transfer to stop (queued; it answers with finished()). One asked before its
    // start never starts.
    static void stop(Transfer *job);
    // Asks a running job to cancel (queued; it answers with finished()).
    static void cancel(Transfer *job);

    // The proxy setting (ProxyConfig: empty = the environment, "none" = direct, or a proxy
    // URL) for every request the workers start from now on, running transfers included.
    void setProxy(const QString &setting);
    QString proxy() const { return m_proxy; }

    // Deletes the jobs still alive on their threads and ends the threads; stopped() follows
    // (on the next turn when no thread runs).
    void shutdown();

Q_SIGNALS:
    void ready();
    void stopped();

private:
    enum class Phase
    {
        Stopped,
        Starting,
        Ready,
        Stopping
    };
    void workerReady();
    void threadEnded();
    void clear();

    Phase m_phase = Phase::Stopped;
    int m_starting = 0; // workers still making their HttpClient
    int m_ending = 0;   // threads still running after shutdown()
    QList<QThread *> m_threads;
    QList<Worker *> m_workers;
    QList<int> m_load;
    QHash<Transfer *, int> m_live; // started, not finished: its worker
    QSet<Transfer *> m_offNetwork; // of those, the ones leftNetwork() took off m_load
    QString m_proxy;
};

} // namespace bt

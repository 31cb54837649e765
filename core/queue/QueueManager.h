#pragma once

#include "Error.h"
#include "actions/AfterDownload.h"
#include "model/DownloadRequest.h"
#include "model/UploadRequest.h"
#include "queue/DownloadKey.h"
#include "queue/JobContext.h"
#include "queue/SpeedLimits.h"
#include "queue/TimeWindow.h"
#include "queue/TransferQueue.h"
#include "queue/TransferSnapshot.h"
#include "transfer/Transfer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>

namespace bt {

class QueueIndex;
class QueueStore;
struct QueueEntry;
class WorkerPool;

// Holds every transfer of the store and runs them on a WorkerPool: at most maxActive() at
// once and maxPerHost() per host, by priority then manual order, within an optional daily
// time window, under shared speed limits. Progress goes out as batched snapshots every
// 250 ms. Lives on the thread that creates it (the UI's or the CLI's main thread); that
// thread never does network, disk or SQL work: jobs run on the pool, SQL on the store's
// thread. Every scheduling step costs O(active + hosts), never O(stored transfers).
//
// States: Queued -> Active (-> Verifying) -> Completed | Failed (reason kept) | Paused.
// A disk error (full, permission) pauses the transfer with its reason; retry() resumes it.
// On open() the transfers that were Active or Verifying go back to the queue first.
//
// Its thread never waits for another (KIO's rule: an answer comes on a later turn of the event
// loop): open() and shutdown() return at once and answer with opened() and shutdownFinished().
//
//     connect(&queue, &QueueManager::opened, ...);  // no error: enqueue(), commands, reads
//     connect(&queue, &QueueManager::shutdownFinished, &app, &QCoreApplication::quit);
//     queue.open(dataDir);  // -> opened(error)
//     ...
//     queue.shutdown();     // -> shutdownFinished(): the jobs stopped, everything is saved
//
// Destroying an open queue without waiting for shutdownFinished() is the last resort: the jobs
// are deleted where they are (the store keeps their last checkpoint) and the destructor joins
// the threads.
class QueueManager : public TransferQueue
{
    Q_OBJECT
public:
    // TransferQueue::EnqueueOptions says how enqueue() adds requests.

    struct Options
    {
        int threads = 0;          // worker threads: 0 = the number of cores (at least 2)
        bool loadExisting = true; // false: hold only what is enqueued (the CLI)
        int progressIntervalMs = 250;
        // Ids to hold ready for new rows from the start (a batch this large never waits for
        // the store): btstream gives the number of its requests. 0: the store's block.
        int reserveIds = 0;
        // Without loadExisting: the downloads this run will ask for. open() then reads only
        // their rows (and the uploads') instead of every row of the store, which grows with
        // every download ever made in this data folder. Not set: every row, as before.
        std::optional<QList<DownloadKey>> storedRowsFor;
    };

    // Closed -(open)-> Opening -(opened)-> Open -(shutdown)-> Stopping (the running transfers
    // stop) -> Closing (workers end, the store writes and closes) -(shutdownFinished)-> Closed.
    enum class Phase
    {
        Closed,
        Opening,
        Open,
        Stopping,
        Closing
    };

    explicit QueueManager(QObject *parent = nullptr);
    ~QueueManager() override; // see above: the last resort when not closed

    // Before open(). Default: transfers::standard().
    void setJobFactory(JobFactory factory);
    JobFactory jobFactory() const { return m_factory; } // empty until open() or a set
    // The wall clock of the scheduler (tests inject one). Default: QDateTime::currentDateTime.
    void setClock(std::function<QDateTime()> clock);
    // Tests: milliseconds on a monotonic clock for the speeds and ETAs, instead of the real one.
    void setElapsedClock(std::function<qint64()> elapsedMs) { m_elapsedMs = std::move(elapsedMs); }

    // Starts opening the store in dataDir (on the store's thread: it loads every transfer) and
    // the workers, and returns. opened() follows on a later turn: with no error the queue is
    // open and holds the loaded transfers (snapshots(), ids(); no added() for them). Nothing
    // starts before the turn after opened(): limits and the credential provider set in a slot
    // connected to opened() apply to the restored transfers. A store that is locked or corrupt:
    // opened() with the store's Error (code Store) and the queue is closed again. Ignored
    // unless closed. enqueue() and commands before opened() fail or do nothing ("not open").
    void open(const QString &dataDir, const Options &options);
    void open(const QString &dataDir) { open(dataDir, Options{}); }
    Phase phase() const { return m_phase; }
    bool isOpen() const { return m_phase == Phase::Open; }
    // Starts the shutdown and returns: the running jobs are stopped (their state stays Active
    // in the store, so that the next open() resumes them); once they have finished, or after
    // timeoutMs (those left are deleted on their threads, the store keeps their last
    // checkpoint), the workers end, the store writes what is pending and closes, and
    // shutdownFinished() follows. While opening: opened() with code Cancelled, then
    // shutdownFinished(). Closed: shutdownFinished() on the next turn. Called again meanwhile:
    // nothing more (one shutdownFinished()).
    void shutdown(int timeoutMs = 10000);

    // Adds downloads (one transaction). With reuseExisting, a request that matches a stored
    // download (same URL, folder and name) continues that one. Returns the ids (0 = failed,
    // `error` says why). Ids come from a reserve held ready (refilled ahead, at least 1024 or
    // Options::reserveIds): only more new rows than it holds within one event-loop turn get 0
    // ("add the others again in a moment").
    qint64 enqueue(const DownloadRequest &request, int priority = 0, Error *error = nullptr);
    QList<qint64> enqueue(const QList<DownloadRequest> &requests, int priority = 0,
                          Error *error = nullptr, bool reuseExisting = true);
    QList<qint64> enqueue(const QList<DownloadRequest> &requests, const EnqueueOptions &options,
                          Error *error = nullptr) override;

    // Adds uploads (one transaction; rows with direction Upload, stored through
    // UploadRequestCodec). The credentials of each request (user, bearer token, Authorization
    // headers) are never stored: the queue keeps them in memory for this session
    // (setUploadCredentials) and hands them to the job. With reuseExisting, a request for the
    // same source and URL as an unfinished stored upload continues that one.
    QList<qint64> enqueueUploads(const QList<UploadRequest> &requests,
                                 const EnqueueOptions &options, Error *error = nullptr);
    QList<qint64> enqueueUploads(const QList<UploadRequest> &requests, Error *error = nullptr)
    {
        return enqueueUploads(requests, EnqueueOptions{}, error);
    }
    // Credentials for a stored upload (memory only; an empty value forgets them).
    void setUploadCredentials(qint64 id, const UploadCredentials &credentials);
    // Asked when an upload starts and no credentials are held for it (rows restored from the
    // store): the caller's keyring or memory. Called on the queue's thread. std::nullopt: not
    // known yet (a keyring read is under way); the upload stays queued without a slot until
    // uploadCredentialsArrived(), so that it never starts without its secret.
    using UploadCredentialProvider =
        std::function<std::optional<UploadCredentials>(const TransferRecord &record)>;
    void setUploadCredentialProvider(UploadCredentialProvider provider);
    // The provider knows more now: the uploads that waited for it may start.
    void uploadCredentialsArrived();

    // After-download actions (AfterDownload): a download that completes (not one found complete
    // in place) runs its own (DownloadRequest::afterDownload, stored with the row) united with
    // these defaults (the program's "extract archives" setting). Downloads only. A request
    // that continues a stored download brings its own actions for this session.
    void setAfterDownloadDefaults(const AfterDownloadActions &actions)
    {
        m_afterDefaults = actions;
    }
    AfterDownloadActions afterDownloadDefaults() const { return m_afterDefaults; }
    // Where the commands' output goes (default: captured into the result).
    void setCommandOutput(AfterDownload::CommandOutput mode) { m_commandOutput = mode; }
    // The actions of this transfer run (from its transferFinished() to afterDownloadFinished()).
    bool isRunningAfterDownload(qint64 id) const { return m_afterDownloads.contains(id); }

    // Limits, all changeable at any time.
    void setMaxActive(int count); // at least 1
    int maxActive() const { return m_maxActive; }
    void setMaxPerHost(int count); // 0 = no per-host cap
    int maxPerHost() const { return m_maxPerHost; }
    void setSpeedLimits(const SpeedLimitSet &limits);
    // The proxy for every request started from now on, running transfers included (their
    // next connection): empty = the environment as curl reads it, "none" = direct, or a
    // proxy URL (http://, https://, socks4://, socks5://, socks5h://). Before or after open().
    void setProxy(const QString &setting);
    QString proxy() const { return m_proxySetting; }
    void setAlternativeSpeedLimits(const SpeedLimitSet &limits);
    void setAlternativeLimitsEnabled(bool enabled);
    const SpeedLimits &speedLimits() const { return *m_limits; }
    // Queued transfers start only inside the window; outside it the active ones are stopped
    // and queued again (they continue when it opens). std::nullopt: no window.
    void setScheduleWindow(const std::optional<TimeWindow> &window);
    std::optional<TimeWindow> scheduleWindow() const { return m_window; }
    bool isInsideWindow() const;

    // Commands: one id, a selection, or all. Ids that do not apply are skipped.
    void pause(const QList<qint64> &ids) override;
    void resume(const QList<qint64> &ids) override; // Paused -> Queued
    void cancel(const QList<qint64> &ids) override; // -> Failed ("cancelled"), partial kept
    void retry(const QList<qint64> &ids) override;  // Failed or Paused -> Queued, error cleared
    void remove(const QList<qint64> &ids, bool deleteFiles) override;
    void cancelAll() { cancel(ids()); }
    void retryAll() { retry(ids()); }
    void removeAll(bool deleteFiles) { remove(ids(), deleteFiles); }
    void setPriority(const QList<qint64> &ids, int priority);
    // Manual order (the `position` column): a selection keeps its own order.
    void moveUp(const QList<qint64> &ids) override;
    void moveDown(const QList<qint64> &ids) override;
    void moveTop(const QList<qint64> &ids) override;
    void moveBottom(const QList<qint64> &ids) override;

    // Reads.
    int count() const { return int(m_entries.size()); }
    QList<qint64> ids() const override; // in manual order
    bool contains(qint64 id) const { return m_entries.contains(id); }
    std::optional<TransferSnapshot> snapshot(qint64 id) const override;
    QList<TransferSnapshot> snapshots() const override; // in manual order
    std::optional<TransferRecord> record(qint64 id) const override;
    bool supports(Feature) const override { return true; }        // the local queue does it all
    int activeCount() const;                                      // Active or Verifying
    int runningJobCount() const { return int(m_running.size()); } // including stopping ones
    // Of those, the ones on the network: not the downloads that only verify and publish.
    int transferringJobCount() const { return int(m_running.size()) - m_finishing; }
    int queuedCount() const;
    // Nothing running and nothing that could start now.
    bool isIdle() const;
    // Writes pending state changes; storeFlushed() follows once they are in the store (tests,
    // before another connection reads). Closed: storeFlushed() on the next turn.
    void flushStore();

public Q_SLOTS:
    // The progress timer's work: speeds, ETAs, the window check and one snapshots() signal.
    void tick();

Q_SIGNALS:
    // The answer to open(): no error, the queue is open; else it is closed again.
    void opened(const bt::Error &error);
    // The end of shutdown(): the store is written and closed, the threads have ended.
    void shutdownFinished();
    void storeFlushed();
    // snapshotsChanged, added, removed, orderChanged, message: TransferQueue's.
    // A job ended on its own (not by a command): completed, failed, or paused by a disk error.
    void transferFinished(const bt::TransferResult &result);
    // The after-download actions of a completed download: extraction progress, then one
    // result (after its transferFinished()). isIdle() waits for them.
    void afterDownloadProgress(qint64 id, qint64 done, qint64 total);
    void afterDownloadFinished(qint64 id, const bt::AfterDownload::Result &result);
    void idle();
    void storeError(const bt::Error &error);

private:
    // QueueLifecycle.cpp: the asynchronous open and shutdown.
    void onStoreOpened(const Error &error, QList<TransferRecord> all);
    void onPoolReady();
    void finishOpen();
    void closeAfterJobs(); // the jobs have stopped (or the timeout): workers, then the store
    void closeServices();  // ends the pool, then closes the store
    void onPoolStopped();
    void onStoreClosed();
    void finishClose();
    void closeNow(); // the destructor's last resort
    void dropJobs(); // forgets the jobs the pool deletes
    QueueEntry *entry(qint64 id) const;
    QueueEntry *addEntry(const TransferRecord &record);
    void setState(QueueEntry *e, TransferState state, const Error &error = {});
    void makeQueued(QueueEntry *e);
    void stopJob(QueueEntry *e);
    void checkIdleLater();
    static bool isRunningState(TransferState state);
    // enqueue() and enqueueUploads() alike: the state of a new row, the "not open" error, a
    // request for a transfer the queue already holds, and the start of what they added.
    static TransferState initialState(const EnqueueOptions &options);
    bool checkOpen(Error *error) const;
    void askedAgain(QueueEntry *e, bool startPaused);
    void workAdded();
    void schedule();
    void startEntry(QueueEntry *e);
    // New rows: an id at once, the insert batched; the start waits for the insert.
    TransferRecord *storeNew(TransferRecord *record, Error *error);
    void onInserted(const QList<qint64> &stored, const QList<qint64> &failed);
    // The stored download of each record's request (url, directory, name), from what open()
    // loaded and what was added since (the store is not asked: nothing waits for it).
    QHash<int, TransferRecord> findDownloads(const QList<TransferRecord> &records);
    // The stored upload enqueueUploads() continues for `wanted` (QueueUploads.cpp).
    std::optional<TransferRecord> findUpload(const TransferRecord &wanted) const;
    // The credentials for an upload about to start; false: it waits for them (taken aside).
    bool uploadCredentialsFor(QueueEntry *e, UploadCredentials *credentials);
    void onProgress(qint64 id, const TransferProgress &progress);
    void onVerifying(qint64 id);
    void releaseHost(QueueEntry *e); // a job ended: its host (and finishing) counts
    void onRetrying(qint64 id, const Error &error, qint64 delayMs, int attempt, int maxAttempts);
    void onFinished(qint64 id, const TransferResult &result);
    void finishRemoval(QueueEntry *e);
    // QueueActions.cpp
    void startAfterDownload(const QueueEntry &e, const TransferResult &result);
    void stopAfterDownloads();
    void checkWindow();
    void checkIdle();
    void markDirty(QueueEntry *e);
    TransferSnapshot snapshotOf(const QueueEntry &e) const;
    void setPosition(QueueEntry *e, qint64 position);
    void applyLimitsToRunning();

    JobFactory m_factory;
    UploadCredentialProvider m_credentialProvider;
    QHash<qint64, UploadCredentials> m_uploadCredentials; // memory only
    QSet<qint64> m_waitingForCredentials; // queued uploads out of the index until they arrive
    bool m_holdsAll = false;              // every stored row is an entry (loadExisting)
    // Without loadExisting: the rows stored at open(), for enqueue() and enqueueUploads() to
    // continue (the store is never asked while they run): downloads by their request's key.
    QList<TransferRecord> m_storedUploads;
    QHash<QString, TransferRecord> m_storedDownloads;
    // Completed uploads asked again: the engine confirms them from the stored row's state, so
    // the queue writes no Queued or Active over it until the job has ended.
    QSet<qint64> m_confirmingComplete;
    std::function<QDateTime()> m_clock;
    std::unique_ptr<QueueStore> m_store;
    std::unique_ptr<WorkerPool> m_pool;
    std::unique_ptr<QueueIndex> m_index;
    std::unique_ptr<SpeedLimits> m_limits;
    QHash<qint64, QueueEntry *> m_entries;
    QHash<qint64, QueueEntry *> m_removing; // removed while their job stops
    QSet<qint64> m_running;                 // entries with a job (running or stopping)
    int m_finishing = 0;                    // of those, downloads off the network
    QSet<qint64> m_dirty;                   // changed since the last snapshots signal
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    std::function<qint64()> m_elapsedMs; // set: replaces m_elapsed
    std::optional<TimeWindow> m_window;
    bool m_insideWindow = true;
    Phase m_phase = Phase::Closed;
    Options m_options;
    QList<TransferRecord> m_loaded; // from the store, until the workers are ready too
    bool m_storeOpened = false;
    bool m_poolReady = false;
    bool m_poolStopped = false;
    bool m_storeClosed = false;
    bool m_shutdownAsked = false;
    Error m_openError;  // the opened() of an open that ends closed
    QTimer m_stopTimer; // the shutdown's timeout for the running jobs
    bool m_wasIdle = true;
    bool m_idleCheckScheduled = false;
    QString m_proxySetting;
    AfterDownloadActions m_afterDefaults;
    AfterDownload::CommandOutput m_commandOutput = AfterDownload::CommandOutput::Capture;
    QHash<qint64, AfterDownload *> m_afterDownloads; // running, children of this object
    int m_maxActive = 3;
    int m_maxPerHost = 3; // as m_maxActive: one server alone gets what "at once" promises
};

} // namespace bt

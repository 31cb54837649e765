#pragma once

#include "Error.h"

#include <QByteArray>
#include <QString>

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace bt {

class DiskThreads;
class Sha256;

// pwrite(2) signature; replaceable in tests to force short writes, EINTR or errors.
using PwriteFunction = std::function<ssize_t(int fd, const void *buf, size_t count, off_t offset)>;

// Writes all of buf at offset: completes short writes, retries EINTR. Returns 0 or an errno.
int writeFully(int fd, const char *buf, qint64 size, qint64 offset, const PwriteFunction &pwriteFn);

// The writer behind a Write-mode BTFileStream: a bounded queue of chunks drained with pwrite
// by short tasks on the process's disk threads (DiskThreads), which every file shares; the
// hash and the background fdatasync are tasks there too. Small contiguous chunks are
// coalesced up to bufferSize, also when segments interleave (up to 8 open tails).
// Every method is called from the owner thread; callbacks run on a disk thread.
class FileWriter
{
public:
    struct Config
    {
        int fd = -1;
        QString displayPath; // names the file in error messages
        qint64 bufferSize = 1 << 20;
        qint64 highWatermark = 8 << 20;
        qint64 lowWatermark = 2 << 20;
        bool syncEachWrite = false;                 // SyncPolicy::Always
        DiskThreads *threads = nullptr;             // null: DiskThreads::shared()
        std::function<void()> onDrained;            // writer thread
        std::function<void(const Error &)> onError; // writer thread
    };

    // Process-wide hooks for tests, copied when a writer starts.
    struct TestHooks
    {
        PwriteFunction pwrite;              // replaces ::pwrite when set
        std::chrono::microseconds delay{0}; // sleep before each pwrite (a slow disk)
    };
    static void setTestHooks(const TestHooks &hooks);
    static void clearTestHooks();

    explicit FileWriter(Config config);
    ~FileWriter(); // stops after writing what is queued; waits for its tasks

    // Queues bytes; hashed tells the writer to feed them to the running SHA-256. Blocks only
    // while the queue is at/above the high watermark (a producer ignoring wantsMore()), so that
    // memory stays below highWatermark + one chunk. False on a sticky error.
    bool enqueue(qint64 offset, const QByteArray &data, bool hashed);

    bool wantsMore() const;
    qint64 queuedBytes() const;
    qint64 writtenBytes() const; // written to disk since start

    void setPaused(bool paused);
    bool isPaused() const;

    bool flush(); // waits until the queue is empty (overrides a pause); false on error
    // fdatasync without stopping the writer: on a helper thread, once every chunk queued
    // before this call is written (while later ones are being written), then done(error) on
    // that thread. False, and done is never called, while the previous one still runs or
    // after an error. stop() completes a pending one before it returns.
    bool syncInBackground(std::function<void(const Error &)> done);
    void discardQueue(); // drops queued chunks (discard())
    void stop();         // flush and wait for every task of this writer; idempotent

    Error error() const;
    QByteArray hashResult() const; // SHA-256 of the chunks queued as hashed, once flushed

private:
    struct Chunk
    {
        qint64 offset = 0;
        QByteArray data;
        bool hashed = false;
        std::chrono::steady_clock::time_point queuedAt;
        quint64 seq = 0; // FIFO: every chunk before it has a smaller one
    };

    struct HashItem
    {
        QByteArray data; // shared with the chunk being written
        quint64 seq = 0;
        qint64 size = data.size();
        bool hashing = false;
        bool hashedDone = false;
        bool written = false;
    };

    struct Token;
    void scheduleLocked(); // a drain task for what is ready, or a timer for a growing tail
    void drain();
    void postHashLocked();
    void hashTask();
    void postSyncLocked(); // once the pending sync's barrier is met
    void syncTask();
    void retireLocked();
    // After a chunk was written or hashed: owed drained() and error callbacks (unlocked).
    void finishStepLocked(std::unique_lock<std::mutex> &lock, const Error &failed);
    bool syncBarrierMetLocked() const;
    Chunk *coalesceTargetLocked(qint64 offset, qint64 size, bool hashed);
    bool frontReadyLocked(std::chrono::steady_clock::time_point now) const;
    void failLocked(const Error &error);

    Config m_config;
    PwriteFunction m_pwrite;
    std::chrono::microseconds m_delay{0};

    mutable std::mutex m_mutex;
    std::condition_variable m_spaceCv; // owners wait for space or an empty queue
    std::deque<Chunk> m_queue;
    qint64 m_queued = 0; // includes the chunk being written
    qint64 m_written = 0;
    bool m_busy = false;
    bool m_paused = false;
    bool m_wasHigh = false; // drained() is owed once the queue falls below the low watermark
    bool m_stopping = false;
    int m_flushWaiters = 0;
    Error m_error;
    quint64 m_nextSeq = 1;
    quint64 m_busySeq = 0; // the chunk being written
    // Background sync (runSync): the chunks up to m_syncBarrier first, then fdatasync.
    bool m_syncPending = false;
    quint64 m_syncBarrier = 0;
    std::function<void(const Error &)> m_syncDone;
    bool m_syncPosted = false;
    // Tasks of this writer posted to m_threads and not yet finished.
    bool m_drainPosted = false;
    bool m_hashPosted = false;
    bool m_timerArmed = false;

    mutable std::mutex m_hashMutex;
    // Made for the first hashed chunk: a SHA-256 context sets up OpenSSL's provider (256 KiB
    // of libcrypto's pages), which a download that hashes nothing, the default, never needs.
    std::unique_ptr<Sha256> m_hash;
    // Hashed chunks being written and hashed at once (by hashTask, in queue order); their
    // bytes stay counted in m_queued until both are done.
    std::deque<HashItem> m_hashQueue;

    DiskThreads *m_threads = nullptr;
    std::shared_ptr<Token> m_token;
};

} // namespace bt

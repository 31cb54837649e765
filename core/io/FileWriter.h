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
#include <thread>

namespace bt {

class Sha256;

// pwrite(2) signature; replaceable in tests to force short writes, EINTR or errors.
using PwriteFunction = std::function<ssize_t(int fd, const void *buf, size_t count, off_t offset)>;

// Writes all of buf at offset: completes short writes, retries EINTR. Returns 0 or an errno.
int writeFully(int fd, const char *buf, qint64 size, qint64 offset, const PwriteFunction &pwriteFn);

// The private writer thread behind a Write-mode BTFileStream: a bounded queue of chunks
// drained with pwrite by one std::thread. Small contiguous chunks are coalesced up to
// bufferSize, also when segments interleave (up to 8 open tails).
// Every method is called from the owner thread; callbacks run on the writer thread.
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
    ~FileWriter(); // stops after writing what is queued; joins the thread

    // Queues bytes; hashed tells the writer to feed them to the running SHA-256. Blocks only
    // while the queue is at/above the high watermark (a producer ignoring wantsMore()), so that
    // memory stays below highWatermark + one chunk. False on a sticky error.
    bool enqueue(qint64 offset, const QByteArray &data, bool hashed);

    bool wantsMore() const;
    qint64 queuedBytes() const;
    qint64 writtenBytes() const; // written to disk since start

    void setPaused(bool paused);
    bool isPaused() const;

    bool flush();        // waits until the queue is empty (overrides a pause); false on error
    void discardQueue(); // drops queued chunks (discard())
    void stop();         // flush and join; idempotent

    Error error() const;
    QByteArray hashResult() const; // SHA-256 of the chunks queued as hashed, once flushed

private:
    struct Chunk
    {
        qint64 offset = 0;
        QByteArray data;
        bool hashed = false;
        std::chrono::steady_clock::time_point queuedAt;
    };

    void run();
    Chunk *coalesceTargetLocked(qint64 offset, qint64 size, bool hashed);
    bool frontReadyLocked(std::chrono::steady_clock::time_point now) const;
    void failLocked(const Error &error);

    Config m_config;
    PwriteFunction m_pwrite;
    std::chrono::microseconds m_delay{0};

    mutable std::mutex m_mutex;
    std::condition_variable m_workCv;  // the writer waits for chunks
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

    mutable std::mutex m_hashMutex;
    std::unique_ptr<Sha256> m_hash;

    std::thread m_thread;
};

} // namespace bt

#include "FileWriter.h"

#include "DiskThreads.h"
#include "Sha256.h"

#include <cerrno>
#include <thread>
#include <unistd.h>

namespace bt {

namespace {

// A partial tail chunk waits this long for more contiguous bytes before it is written alone,
// so that many small network chunks become one bufferSize pwrite.
constexpr std::chrono::milliseconds kCoalesceDelay{30};
// How many queued chunks may still grow: one open tail per segment of a download.
constexpr qsizetype kOpenTails = 8;
// Chunks at least this big are written as they come: appending them to a queued one would
// copy every byte once more for little gain (the network hands over up to 128 KiB at a time).
constexpr qint64 kCoalesceBelow = 64 * 1024;
// Chunks one drain task writes before it makes way for other files' tasks.
constexpr int kChunksPerTurn = 16;

std::mutex s_hooksMutex;
FileWriter::TestHooks s_hooks;

} // namespace

int writeFully(int fd, const char *buf, qint64 size, qint64 offset, const PwriteFunction &pwriteFn)
{
    while (size > 0) {
        const ssize_t n = pwriteFn ? pwriteFn(fd, buf, size_t(size), off_t(offset))
                                   : ::pwrite(fd, buf, size_t(size), off_t(offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (n == 0) // no progress and no error: do not spin forever
            return EIO;
        buf += n;
        size -= n;
        offset += n;
    }
    return 0;
}

void FileWriter::setTestHooks(const TestHooks &hooks)
{
    std::lock_guard lock(s_hooksMutex);
    s_hooks = hooks;
}

void FileWriter::clearTestHooks()
{
    setTestHooks({});
}

// Lets a timer posted to the disk threads reach the writer only while it exists.
struct FileWriter::Token
{
    std::mutex mutex;
    FileWriter *writer = nullptr;
};

FileWriter::FileWriter(Config config)
    : m_config(std::move(config)), m_token(std::make_shared<Token>())
{
    {
        std::lock_guard lock(s_hooksMutex);
        m_pwrite = s_hooks.pwrite;
        m_delay = s_hooks.delay;
    }
    m_threads = m_config.threads ? m_config.threads : &DiskThreads::shared();
    m_token->writer = this;
}

FileWriter::~FileWriter()
{
    {
        std::lock_guard lock(m_token->mutex); // waits for a timer reaching us right now
        m_token->writer = nullptr;
    }
    stop();
}

bool FileWriter::enqueue(qint64 offset, const QByteArray &data, bool hashed)
{
    if (data.isEmpty())
        return error().code == ErrorCode::None;
    std::unique_lock lock(m_mutex);
    // Bound memory even for a producer that ignores wantsMore(); not while paused, where the
    // writer would never make room (the producer is expected to honour wantsMore() then).
    m_spaceCv.wait(lock, [this] {
        return m_error.isError() || m_stopping || m_paused || m_queued < m_config.highWatermark;
    });
    if (m_error.isError() || m_stopping)
        return false;

    const auto now = std::chrono::steady_clock::now();
    const qint64 size = data.size();
    if (Chunk *open = coalesceTargetLocked(offset, size, hashed)) {
        open->data.append(data);
        m_queued += size;
        if (m_queued >= m_config.highWatermark)
            m_wasHigh = true;
        scheduleLocked();
        return true;
    }
    // No reserve(bufferSize) up front: with many scattered small chunks that would multiply
    // memory far beyond the queued bytes; appends grow geometrically instead.
    m_queue.push_back(Chunk{offset, data, hashed, now, m_nextSeq++});
    m_queued += size;
    if (m_queued >= m_config.highWatermark)
        m_wasHigh = true;
    scheduleLocked();
    return true;
}

bool FileWriter::wantsMore() const
{
    std::lock_guard lock(m_mutex);
    return !m_paused && !m_error.isError() && m_queued < m_config.highWatermark;
}

qint64 FileWriter::queuedBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_queued;
}

qint64 FileWriter::writtenBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_written;
}

void FileWriter::setPaused(bool paused)
{
    bool drainedNow = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_paused == paused)
            return;
        m_paused = paused;
        if (paused) {
            m_wasHigh = true; // wantsMore() turned false: drained() is owed after resume
        } else if (m_queued < m_config.lowWatermark && !m_error.isError()) {
            m_wasHigh = false;
            drainedNow = true;
        }
        scheduleLocked();
    }
    m_spaceCv.notify_all();
    if (drainedNow && m_config.onDrained)
        m_config.onDrained();
}

bool FileWriter::isPaused() const
{
    std::lock_guard lock(m_mutex);
    return m_paused;
}

bool FileWriter::flush()
{
    std::unique_lock lock(m_mutex);
    ++m_flushWaiters;
    scheduleLocked();
    m_spaceCv.wait(lock, [this] { return m_error.isError() || m_queued == 0; });
    --m_flushWaiters;
    return !m_error.isError();
}

void FileWriter::discardQueue()
{
    std::unique_lock lock(m_mutex);
    for (const Chunk &c : m_queue)
        m_queued -= c.data.size();
    m_queue.clear();
    // Wait for the chunk in flight: the caller closes the fd next.
    m_spaceCv.wait(lock, [this] { return !m_busy; });
    postSyncLocked(); // its barrier may be met now
    m_spaceCv.notify_all();
}

bool FileWriter::syncInBackground(std::function<void(const Error &)> done)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_syncPending || m_error.isError() || m_stopping)
            return false;
        m_syncPending = true;
        m_syncBarrier = m_nextSeq - 1;
        m_syncDone = std::move(done);
        postSyncLocked();
    }
    m_spaceCv.notify_all();
    return true;
}

bool FileWriter::syncBarrierMetLocked() const
{
    // FIFO: the front has the smallest sequence number still queued.
    return (m_queue.empty() || m_queue.front().seq > m_syncBarrier) &&
           !(m_busy && m_busySeq <= m_syncBarrier);
}

void FileWriter::postSyncLocked()
{
    if (!m_syncPending || m_syncPosted || (!syncBarrierMetLocked() && !m_error.isError()))
        return;
    m_syncPosted = true;
    m_threads->post([this] { syncTask(); });
}

void FileWriter::syncTask()
{
    std::unique_lock lock(m_mutex);
    Error error = m_error;
    if (!error.isError()) {
        lock.unlock();
        // Concurrent with pwrite on the same fd: it covers at least what was written before it
        // started, which includes everything up to the barrier.
        if (::fdatasync(m_config.fd) != 0)
            error = Error::fromErrno(errno, m_config.displayPath);
        lock.lock();
        if (error.isError() && !m_error.isError()) {
            failLocked(error);
            lock.unlock();
            if (m_config.onError)
                m_config.onError(error);
            lock.lock();
        }
    }
    std::function<void(const Error &)> done = std::move(m_syncDone);
    m_syncDone = nullptr;
    m_syncPending = false;
    lock.unlock();
    if (done)
        done(error);
    lock.lock();
    m_syncPosted = false; // last: stop() may return (and the writer go) from here on
    m_spaceCv.notify_all();
}

void FileWriter::stop()
{
    std::unique_lock lock(m_mutex);
    m_stopping = true;
    scheduleLocked();
    m_spaceCv.notify_all();
    // Everything queued written (or an error), the hasher done with it so the hash is
    // complete, a pending sync finished, and no task of ours left on the disk threads.
    m_spaceCv.wait(lock, [this] {
        return !m_drainPosted && !m_hashPosted && !m_syncPending && !m_syncPosted &&
               ((m_queue.empty() && m_hashQueue.empty()) || m_error.isError());
    });
}

Error FileWriter::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

QByteArray FileWriter::hashResult() const
{
    std::lock_guard lock(m_hashMutex);
    return m_hash ? m_hash->result() : Sha256().result(); // nothing hashed: that of no bytes
}

FileWriter::Chunk *FileWriter::coalesceTargetLocked(qint64 offset, qint64 size, bool hashed)
{
    // Segments interleave their chunks, so look at the last few entries (one open tail per
    // segment), newest first. Appending to an older entry moves these bytes before the entries
    // queued after it: only allowed when none of those overlaps them (a later rewrite wins).
    if (size >= kCoalesceBelow)
        return nullptr;
    const qint64 end = offset + size;
    const qsizetype n = qsizetype(m_queue.size());
    for (qsizetype i = n - 1; i >= 0 && i >= n - kOpenTails; --i) {
        Chunk &c = m_queue[size_t(i)];
        if (c.offset < end && offset < c.offset + c.data.size())
            return nullptr; // overlaps a queued chunk: keep the order
        if (c.hashed == hashed && c.offset + c.data.size() == offset &&
            c.data.size() + size <= m_config.bufferSize)
            return &c;
    }
    return nullptr;
}

bool FileWriter::frontReadyLocked(std::chrono::steady_clock::time_point now) const
{
    // The front may still grow while it is within the last kOpenTails entries. Not while the
    // producer waits for drained() (m_wasHigh): nothing comes before the queue is below the
    // low watermark, so waiting would only stall both sides.
    const Chunk &front = m_queue.front();
    if (qsizetype(m_queue.size()) > kOpenTails || front.data.size() >= m_config.bufferSize ||
        m_flushWaiters > 0 || m_stopping || m_wasHigh || m_queued >= m_config.highWatermark ||
        now >= front.queuedAt + kCoalesceDelay)
        return true;
    // A queued chunk starting where the front ends means the front can no longer grow (an
    // append would overlap that chunk): waiting for the delay would only stall the producer.
    const qint64 end = front.offset + front.data.size();
    for (size_t i = 1; i < m_queue.size(); ++i) {
        if (m_queue[i].offset == end)
            return true;
    }
    return false;
}

void FileWriter::failLocked(const Error &error)
{
    m_error = error;
    for (const Chunk &c : m_queue)
        m_queued -= c.data.size();
    m_queue.clear();
    // The hash is worthless now; its chunks (also the one in flight, if hashed) are let go.
    for (const HashItem &item : m_hashQueue)
        m_queued -= item.size;
    m_hashQueue.clear();
}

void FileWriter::scheduleLocked()
{
    if (m_drainPosted || m_queue.empty() || m_error.isError())
        return;
    if (m_paused && m_flushWaiters == 0 && !m_stopping)
        return;
    if (!frontReadyLocked(std::chrono::steady_clock::now())) {
        // A tail that may still grow: look again once its coalescing time is over.
        if (!m_timerArmed) {
            m_timerArmed = true;
            m_threads->postAt(m_queue.front().queuedAt + kCoalesceDelay, [token = m_token] {
                std::lock_guard tokenLock(token->mutex);
                if (FileWriter *w = token->writer) {
                    std::lock_guard lock(w->m_mutex);
                    w->m_timerArmed = false;
                    w->scheduleLocked();
                }
            });
        }
        return;
    }
    m_drainPosted = true;
    m_threads->post([this] { drain(); });
}

void FileWriter::drain()
{
    std::unique_lock lock(m_mutex);
    // A bounded turn, so that one busy file does not hold a disk thread the others share.
    for (int turn = 0; turn < kChunksPerTurn; ++turn) {
        if (m_queue.empty() || m_error.isError())
            break;
        if (m_paused && m_flushWaiters == 0 && !m_stopping)
            break;
        if (!frontReadyLocked(std::chrono::steady_clock::now()))
            break;

        Chunk chunk = std::move(m_queue.front());
        m_queue.pop_front();
        m_busy = true;
        m_busySeq = chunk.seq;
        if (chunk.hashed) {
            // Hashed by another task while this one writes it (the bytes are shared).
            m_hashQueue.push_back(HashItem{chunk.data, chunk.seq});
            postHashLocked();
        }
        lock.unlock();

        if (m_delay.count() > 0)
            std::this_thread::sleep_for(m_delay); // tests: a slow disk
        int err = writeFully(m_config.fd, chunk.data.constData(), chunk.data.size(), chunk.offset,
                             m_pwrite);
        if (err == 0 && m_config.syncEachWrite && ::fdatasync(m_config.fd) != 0)
            err = errno;
        const qint64 size = chunk.data.size();
        chunk.data = QByteArray(); // the hasher may still hold it

        lock.lock();
        m_busy = false;
        Error failed;
        if (err != 0) {
            failLocked(Error::fromErrno(err, m_config.displayPath));
            failed = m_error;
        } else {
            m_written += size;
        }
        if (!chunk.hashed) {
            m_queued -= size;
        } else {
            for (HashItem &item : m_hashQueue) {
                if (item.seq == chunk.seq) {
                    item.written = true;
                    break;
                }
            }
            retireLocked();
        }
        finishStepLocked(lock, failed);
        postSyncLocked();
    }
    m_drainPosted = false;
    scheduleLocked(); // the rest in a new turn, or a timer for a growing tail
    postSyncLocked();
    m_spaceCv.notify_all();
}

void FileWriter::postHashLocked()
{
    if (m_hashPosted)
        return;
    for (const HashItem &item : m_hashQueue) {
        if (!item.hashedDone && !item.hashing) {
            m_hashPosted = true;
            m_threads->post([this] { hashTask(); });
            return;
        }
    }
}

void FileWriter::retireLocked()
{
    // A hashed chunk is done once written and hashed; both happen in queue order.
    while (!m_hashQueue.empty() && m_hashQueue.front().written && m_hashQueue.front().hashedDone) {
        m_queued -= m_hashQueue.front().size;
        m_hashQueue.pop_front();
    }
}

void FileWriter::finishStepLocked(std::unique_lock<std::mutex> &lock, const Error &failed)
{
    bool drained = false;
    if (!failed.isError() && m_wasHigh && !m_paused && !m_error.isError() &&
        m_queued < m_config.lowWatermark) {
        m_wasHigh = false;
        drained = true;
    }
    m_spaceCv.notify_all();
    if (drained || failed.isError()) {
        lock.unlock();
        if (drained && m_config.onDrained)
            m_config.onDrained();
        if (failed.isError() && m_config.onError)
            m_config.onError(failed);
        lock.lock();
    }
}

void FileWriter::hashTask()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        // In queue order: one hash task at a time, and items are queued in write order.
        HashItem *next = nullptr;
        for (HashItem &item : m_hashQueue) {
            if (!item.hashedDone && !item.hashing) {
                next = &item;
                break;
            }
        }
        if (!next)
            break;
        next->hashing = true;
        const QByteArray data = next->data; // shared, no copy
        const quint64 seq = next->seq;
        lock.unlock();
        {
            std::lock_guard hashLock(m_hashMutex);
            if (!m_hash)
                m_hash = std::make_unique<Sha256>();
            m_hash->addData(data);
        }
        lock.lock();
        for (HashItem &item : m_hashQueue) {
            if (item.seq == seq) {
                item.hashedDone = true;
                item.data = QByteArray();
                break;
            }
        }
        retireLocked();
        finishStepLocked(lock, Error{});
    }
    m_hashPosted = false;
    m_spaceCv.notify_all();
}

} // namespace bt

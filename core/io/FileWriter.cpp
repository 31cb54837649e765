#include "FileWriter.h"

#include "Sha256.h"

#include <cerrno>
#include <unistd.h>

namespace bt {

namespace {

// A partial tail chunk waits this long for more contiguous bytes before it is written alone,
// so that many small network chunks become one bufferSize pwrite.
constexpr std::chrono::milliseconds kCoalesceDelay{30};
// How many queued chunks may still grow: one open tail per segment of a download.
constexpr qsizetype kOpenTails = 8;

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

FileWriter::FileWriter(Config config)
    : m_config(std::move(config)), m_hash(std::make_unique<Sha256>())
{
    {
        std::lock_guard lock(s_hooksMutex);
        m_pwrite = s_hooks.pwrite;
        m_delay = s_hooks.delay;
    }
    m_thread = std::thread([this] { run(); });
}

FileWriter::~FileWriter()
{
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
        m_workCv.notify_one();
        return true;
    }
    // No reserve(bufferSize) up front: with many scattered small chunks that would multiply
    // memory far beyond the queued bytes; appends grow geometrically instead.
    m_queue.push_back(Chunk{offset, data, hashed, now});
    m_queued += size;
    if (m_queued >= m_config.highWatermark)
        m_wasHigh = true;
    m_workCv.notify_one();
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
    }
    m_workCv.notify_one();
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
    m_workCv.notify_one();
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
    m_spaceCv.notify_all();
}

void FileWriter::stop()
{
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_workCv.notify_one();
    m_spaceCv.notify_all();
    m_thread.join();
}

Error FileWriter::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

QByteArray FileWriter::hashResult() const
{
    std::lock_guard lock(m_hashMutex);
    return m_hash->result();
}

FileWriter::Chunk *FileWriter::coalesceTargetLocked(qint64 offset, qint64 size, bool hashed)
{
    // Segments interleave their chunks, so look at the last few entries (one open tail per
    // segment), newest first. Appending to an older entry moves these bytes before the entries
    // queued after it: only allowed when none of those overlaps them (a later rewrite wins).
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
    // The front may still grow while it is within the last kOpenTails entries.
    const Chunk &front = m_queue.front();
    if (qsizetype(m_queue.size()) > kOpenTails || front.data.size() >= m_config.bufferSize ||
        m_flushWaiters > 0 || m_stopping || m_queued >= m_config.highWatermark ||
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
}

void FileWriter::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_queue.empty() || m_error.isError()) {
            if (m_stopping)
                return;
            m_workCv.wait(lock);
            continue;
        }
        if (m_paused && m_flushWaiters == 0 && !m_stopping) {
            m_workCv.wait(lock);
            continue;
        }
        const auto now = std::chrono::steady_clock::now();
        if (!frontReadyLocked(now)) {
            m_workCv.wait_until(lock, m_queue.front().queuedAt + kCoalesceDelay);
            continue;
        }

        Chunk chunk = std::move(m_queue.front());
        m_queue.pop_front();
        m_busy = true;
        lock.unlock();

        if (m_delay.count() > 0)
            std::this_thread::sleep_for(m_delay);
        if (chunk.hashed) {
            std::lock_guard hashLock(m_hashMutex);
            m_hash->addData(chunk.data);
        }
        int err = writeFully(m_config.fd, chunk.data.constData(), chunk.data.size(), chunk.offset,
                             m_pwrite);
        if (err == 0 && m_config.syncEachWrite && ::fdatasync(m_config.fd) != 0)
            err = errno;

        lock.lock();
        m_busy = false;
        const qint64 size = chunk.data.size();
        m_queued -= size;
        bool drained = false;
        Error failed;
        if (err != 0) {
            failLocked(Error::fromErrno(err, m_config.displayPath));
            failed = m_error;
        } else {
            m_written += size;
            if (m_wasHigh && !m_paused && m_queued < m_config.lowWatermark) {
                m_wasHigh = false;
                drained = true;
            }
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
}

} // namespace bt

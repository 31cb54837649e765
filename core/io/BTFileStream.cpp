#include "BTFileStream.h"

#include "DiskThreads.h"
#include "FileWriter.h"
#include "FolderSync.h"
#include "PartFile.h"
#include "PartName.h"
#include "PostBack.h"
#include "Sha256.h"
#include "WrittenRanges.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bt {

namespace {

constexpr int kProgressIntervalMs = 250; // about 4 progress signals a second

QByteArray nativePath(const QString &path)
{
    return QFile::encodeName(path);
}

Error invalidArgument(const QString &message)
{
    Error e;
    e.code = ErrorCode::InvalidArgument;
    e.message = message;
    return e;
}

} // namespace

class BTFileStream::Private
{
public:
    explicit Private(BTFileStream *q) : q(q) {}

    BTFileStream *q;
    Mode mode = Mode::Read;
    Options options;
    QString path;
    QString tempPath;
    int fd = -1;
    bool isOpen = false;
    bool paused = false;
    qint64 pos = 0;
    qint64 extent = 0;  // Write: max(size on disk at open, end of every queued write)
    quint64 writes = 0; // writes queued since open
    // Of those, how many a finished fdatasync covers; none at open, not even the bytes already
    // in the file (a resumed .part may hold what a killed process never synced).
    quint64 syncedWrites = kNothingSynced;
    static constexpr quint64 kNothingSynced = ~quint64(0);
    Error error; // owner-side errors; the writer keeps its own

    std::unique_ptr<FileWriter> writer;
    bool hashOk = false; // every write so far was sequential from offset 0 of an empty file
    qint64 hashNext = 0;
    bool reserved = false; // preallocated an empty file: give back the unwritten on close
    WrittenRanges written; // while reserved

    QByteArray readBuf; // Read: bytes from pos on, starting at readOff
    qint64 readOff = 0;

    QTimer *progressTimer = nullptr;
    qint64 expectedSize = -1;
    qint64 explicitExpectedSize = -1; // setExpectedSize(), kept across open()
    qint64 lastProgress = -1;

    void fail(const Error &e)
    {
        error = e;
        Q_EMIT q->errorOccurred(e);
    }
    Error currentError() const
    {
        if (error.isError())
            return error;
        return writer ? writer->error() : Error{};
    }
    bool writable() const { return isOpen && mode == Mode::Write && !currentError().isError(); }
    void reportProgress()
    {
        if (!writer)
            return;
        const qint64 done = writer->writtenBytes();
        if (done != lastProgress) {
            lastProgress = done;
            Q_EMIT q->progress(done, expectedSize);
        }
    }
    bool openWrite();
    bool openRead();
    bool finishWriter(); // flush, stop the thread, final progress
    bool closeFd(const QString &what);
    bool beginPublish(); // publish()'s checks and the writer's end; false: nothing to do
};

BTFileStream::BTFileStream(QObject *parent) : QObject(parent), d(std::make_unique<Private>(this)) {}

BTFileStream::~BTFileStream()
{
    // No signals from here: receivers are often our owner, half destroyed by now.
    blockSignals(true);
    if (d->isOpen)
        close();
}

bool BTFileStream::open(const QString &path, Mode mode)
{
    return open(path, mode, Options(), nullptr);
}

bool BTFileStream::open(const QString &path, Mode mode, const Options &options)
{
    return open(path, mode, options, nullptr);
}

bool BTFileStream::open(const QString &path, Mode mode, const Options &options, Error *error)
{
    if (d->isOpen)
        close();
    d->mode = mode;
    d->options = options;
    d->path = path;
    d->tempPath = mode == Mode::Write ? partPath(path, options.tempSuffix) : QString();
    d->error = {};
    d->writer.reset();
    d->pos = 0;
    d->extent = 0;
    d->writes = 0;
    d->syncedWrites = Private::kNothingSynced;
    d->reserved = false;
    d->written.clear();
    d->paused = false;
    d->readBuf.clear();
    d->readOff = 0;
    d->lastProgress = -1;
    d->expectedSize = d->explicitExpectedSize >= 0 ? d->explicitExpectedSize
                      : options.preallocate > 0    ? options.preallocate
                                                   : -1;

    bool ok = false;
    if (path.isEmpty() || options.bufferSize <= 0 || options.highWatermark <= 0 ||
        (mode == Mode::Write && options.tempSuffix.isEmpty())) {
        d->error = invalidArgument(
            tr("Invalid file stream options for %1").arg(path.isEmpty() ? tr("(no name)") : path));
    } else {
        ok = mode == Mode::Write ? d->openWrite() : d->openRead();
    }
    if (error)
        *error = d->error;
    return ok;
}

bool BTFileStream::Private::openRead()
{
    fd = ::open(nativePath(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = Error::fromErrno(errno, path);
        return false;
    }
    isOpen = true;
    return true;
}

bool BTFileStream::Private::openWrite()
{
    const QByteArray native = nativePath(tempPath);
    bool created = false;
    fd = openPartFile(tempPath, options.truncate, &created, &error);
    if (fd < 0)
        return false;
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        error = Error::fromErrno(errno, tempPath);
        ::close(fd);
        fd = -1;
        return false;
    }
    const qint64 initialSize = st.st_size;
    if (options.preallocate > 0) {
        const int r = ::posix_fallocate(fd, 0, off_t(options.preallocate));
        if (r != 0 && r != EOPNOTSUPP) {
            error = Error::fromErrno(r, tempPath);
            ::close(fd);
            fd = -1;
            if (created)
                ::unlink(native.constData()); // leave no empty .part behind that we created
            return false;
        }
        if (::fstat(fd, &st) == 0)
            extent = st.st_size;
        reserved = r == 0 && initialSize == 0; // prior bytes are not tracked: keep them
    }
    extent = qMax(extent, initialSize);
    pos = initialSize; // continue after the bytes already there
    hashOk = options.hash && initialSize == 0;
    hashNext = 0;

    FileWriter::Config config;
    config.fd = fd;
    config.displayPath = tempPath;
    config.bufferSize = options.bufferSize;
    config.highWatermark = options.highWatermark;
    config.lowWatermark = qMin(options.lowWatermark, options.highWatermark);
    config.syncEachWrite = options.sync == SyncPolicy::Always;
    // Called on the writer thread: hop to the stream's thread. Pending calls die with q.
    config.onDrained = [q = q] {
        QMetaObject::invokeMethod(
            q, [q] { Q_EMIT q->drained(); }, Qt::QueuedConnection);
    };
    config.onError = [q = q](const Error &e) {
        QMetaObject::invokeMethod(
            q, [q, e] { Q_EMIT q->errorOccurred(e); }, Qt::QueuedConnection);
    };
    writer = std::make_unique<FileWriter>(std::move(config));

    if (!progressTimer) {
        progressTimer = new QTimer(q);
        progressTimer->setInterval(kProgressIntervalMs);
        QObject::connect(progressTimer, &QTimer::timeout, q, [this] { reportProgress(); });
    }
    progressTimer->start();
    isOpen = true;
    return true;
}

bool BTFileStream::isOpen() const
{
    return d->isOpen;
}

QString BTFileStream::path() const
{
    return d->path;
}

QString BTFileStream::tempPath() const
{
    return d->tempPath;
}

qint64 BTFileStream::size() const
{
    if (d->mode == Mode::Write)
        return d->extent;
    struct stat st
    {
    };
    if (d->fd >= 0 && ::fstat(d->fd, &st) == 0)
        return st.st_size;
    return 0;
}

void BTFileStream::setExpectedSize(qint64 total)
{
    d->explicitExpectedSize = total;
    d->expectedSize = total;
}

QByteArray BTFileStream::read(qint64 maxSize)
{
    if (!d->isOpen || d->mode != Mode::Read || maxSize <= 0 || d->error.isError())
        return {};
    if (d->readOff >= d->readBuf.size()) {
        // Refill; a caller asking for more than a buffer gets it in one pread.
        const qint64 want = qMax(d->options.bufferSize, maxSize);
        d->readBuf.resize(want);
        d->readOff = 0;
        ssize_t n;
        do {
            n = ::pread(d->fd, d->readBuf.data(), size_t(want), off_t(d->pos));
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            d->readBuf.clear();
            d->fail(Error::fromErrno(errno, d->path));
            return {};
        }
        d->readBuf.resize(n);
        if (n == 0)
            return {};
    }
    const qint64 n = qMin(maxSize, qint64(d->readBuf.size()) - d->readOff);
    QByteArray out;
    if (d->readOff == 0 && n == d->readBuf.size())
        out = std::exchange(d->readBuf, QByteArray()); // hand the buffer over without a copy
    else
        out = d->readBuf.mid(d->readOff, n);
    d->readOff += n;
    d->pos += n;
    return out;
}

qint64 BTFileStream::read(char *data, qint64 maxSize)
{
    if (!d->isOpen || d->mode != Mode::Read || maxSize <= 0)
        return 0;
    if (d->error.isError())
        return -1;
    qint64 n = 0;
    if (d->readOff < d->readBuf.size()) {
        n = qMin(maxSize, qint64(d->readBuf.size()) - d->readOff);
        std::memcpy(data, d->readBuf.constData() + d->readOff, size_t(n));
        d->readOff += n;
    } else {
        ssize_t got;
        do {
            got = ::pread(d->fd, data, size_t(maxSize), off_t(d->pos));
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            d->fail(Error::fromErrno(errno, d->path));
            return -1;
        }
        n = got;
    }
    d->pos += n;
    return n;
}

bool BTFileStream::atEnd() const
{
    if (!d->isOpen)
        return true;
    if (d->mode == Mode::Read && d->readOff < d->readBuf.size())
        return false;
    return d->pos >= size();
}

bool BTFileStream::write(const QByteArray &chunk)
{
    if (!writeAt(d->pos, chunk))
        return false;
    d->pos += chunk.size();
    return true;
}

bool BTFileStream::writeAt(qint64 offset, const QByteArray &chunk)
{
    if (!d->writable() || offset < 0)
        return false;
    if (chunk.isEmpty())
        return true;
    const bool hashed = d->hashOk && offset == d->hashNext;
    if (hashed)
        d->hashNext += chunk.size();
    else
        d->hashOk = false;
    d->extent = qMax(d->extent, offset + chunk.size());
    ++d->writes;
    if (d->reserved)
        d->written.add(offset, offset + chunk.size());
    return d->writer->enqueue(offset, chunk, hashed);
}

bool BTFileStream::wantsMore() const
{
    return d->writable() && d->writer->wantsMore();
}

qint64 BTFileStream::bufferedBytes() const
{
    return d->writer ? d->writer->queuedBytes() : 0;
}

bool BTFileStream::seek(qint64 offset)
{
    if (!d->isOpen || offset < 0)
        return false;
    if (d->mode == Mode::Read) {
        d->readBuf.clear();
        d->readOff = 0;
    }
    d->pos = offset;
    return true;
}

qint64 BTFileStream::pos() const
{
    return d->pos;
}

void BTFileStream::pause()
{
    d->paused = true;
    if (d->writer)
        d->writer->setPaused(true);
}

void BTFileStream::resume()
{
    d->paused = false;
    if (d->writer)
        d->writer->setPaused(false);
}

bool BTFileStream::isPaused() const
{
    return d->paused;
}

bool BTFileStream::flush()
{
    if (!d->isOpen)
        return !d->currentError().isError();
    if (d->mode != Mode::Write)
        return true;
    return d->writer->flush() && !d->error.isError();
}

bool BTFileStream::sync()
{
    if (!flush() || !d->isOpen)
        return false;
    if (d->mode == Mode::Write && ::fdatasync(d->fd) != 0) {
        d->fail(Error::fromErrno(errno, d->tempPath));
        return false;
    }
    d->syncedWrites = d->writes;
    return true;
}

bool BTFileStream::syncInBackground(std::function<void(bool ok)> done)
{
    if (!d->writable())
        return false;
    const quint64 upTo = d->writes; // the writer's barrier: everything queued so far
    return d->writer->syncInBackground([q = this, upTo, done = std::move(done)](const Error &e) {
        // On the sync thread: hop to ours; dropped if the stream is gone by then.
        QMetaObject::invokeMethod(
            q,
            [q, upTo, done, ok = !e.isError()] {
                if (ok) // one sync at a time: this is the latest
                    q->d->syncedWrites = upTo;
                done(ok);
            },
            Qt::QueuedConnection);
    });
}

bool BTFileStream::Private::finishWriter()
{
    const bool ok = writer->flush();
    writer->stop();
    if (progressTimer)
        progressTimer->stop();
    reportProgress();
    return ok;
}

bool BTFileStream::Private::closeFd(const QString &what)
{
    const int r = ::close(fd);
    fd = -1;
    isOpen = false;
    if (r != 0 && errno != EINTR) { // close(2) may report a deferred write error (NFS)
        fail(Error::fromErrno(errno, what));
        return false;
    }
    return true;
}

bool BTFileStream::close()
{
    if (!d->isOpen)
        return !d->currentError().isError();
    if (d->mode == Mode::Read)
        return d->closeFd(d->path);
    bool ok = d->finishWriter();
    // Failed, stopped or paused: the reserve beyond the written bytes goes back to the disk.
    if (d->reserved) {
        if (const int err = d->written.releaseUnwritten(d->fd); err != 0) {
            d->fail(Error::fromErrno(err, d->tempPath));
            ok = false;
        }
        d->extent = d->written.end();
        d->reserved = false;
    }
    return d->closeFd(d->tempPath) && ok && !d->error.isError();
}

namespace {

// The end of a write, on whichever thread runs it: fsync the file (when `syncFile`: not when
// an fdatasync since the last write has made its bytes and size durable already), close it
// while a dup keeps its lock, rename it over the final name. The folder's fsync, which makes
// the rename durable, is the caller's (FolderSync). The .part stays where it is when
// something fails.
Error renameIntoPlace(int fd, const QString &tempPath, const QString &path, bool syncFile)
{
    if (syncFile && ::fsync(fd) != 0) {
        const Error e = Error::fromErrno(errno, tempPath);
        ::close(fd);
        return e;
    }
    // A dup keeps the lock past the close (which may report a deferred write error) until
    // the rename is done: no other process may open the .part in between and write on.
    const int lockFd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (::close(fd) != 0 && errno != EINTR) {
        const Error e = Error::fromErrno(errno, tempPath);
        if (lockFd >= 0)
            ::close(lockFd);
        return e;
    }
    const bool renamed =
        ::rename(nativePath(tempPath).constData(), nativePath(path).constData()) == 0;
    const int renameErr = errno;
    if (lockFd >= 0)
        ::close(lockFd);
    if (!renamed)
        return Error::fromErrno(renameErr, path);
    return {};
}

} // namespace

bool BTFileStream::Private::beginPublish()
{
    if (!isOpen || mode != Mode::Write || currentError().isError())
        return false;
    if (!finishWriter()) {
        closeFd(tempPath);
        return false;
    }
    return true;
}

bool BTFileStream::publish()
{
    if (!d->beginPublish())
        return false;
    const int fd = d->fd;
    d->fd = -1;
    d->isOpen = false;
    const bool durable = d->options.sync != SyncPolicy::None;
    Error e = renameIntoPlace(fd, d->tempPath, d->path, durable && d->syncedWrites != d->writes);
    if (!e.isError() && durable)
        e = FolderSync::syncNow(QFileInfo(d->path).absolutePath());
    if (e.isError()) {
        d->fail(e);
        return false;
    }
    Q_EMIT finished();
    return true;
}

bool BTFileStream::publishInBackground(std::function<void(bool ok)> done)
{
    if (!d->beginPublish())
        return false;
    const int fd = d->fd; // the disk thread's from here on: this stream is closed
    d->fd = -1;
    d->isOpen = false;
    const bool durable = d->options.sync != SyncPolicy::None;
    DiskThreads::shared().post(
        [back = PostBack(this), q = this, fd, temp = d->tempPath, path = d->path, durable,
         syncFile = durable && d->syncedWrites != d->writes, done = std::move(done)]() mutable {
            auto report = [back, q, done = std::move(done)](const Error &e) {
                back.post([q, e, done] { // only while the stream lives
                    if (e.isError())
                        q->d->fail(e);
                    else
                        Q_EMIT q->finished();
                    done(!e.isError());
                });
            };
            const Error e = renameIntoPlace(fd, temp, path, syncFile);
            if (e.isError() || !durable)
                report(e);
            else // shared with the files published into the same folder meanwhile
                FolderSync::shared().sync(QFileInfo(path).absolutePath(), report);
        });
    return true;
}

bool BTFileStream::discard()
{
    if (d->mode != Mode::Write || d->tempPath.isEmpty())
        return false;
    if (d->isOpen) {
        d->writer->discardQueue();
        d->writer->stop();
        if (d->progressTimer)
            d->progressTimer->stop();
    }
    // Unlinked while still open (and locked): another process cannot take it over in between.
    const bool ok = ::unlink(nativePath(d->tempPath).constData()) == 0 || errno == ENOENT;
    const int err = errno;
    if (d->isOpen)
        d->closeFd(d->tempPath);
    if (!ok) {
        d->fail(Error::fromErrno(err, d->tempPath));
        return false;
    }
    return true;
}

bool BTFileStream::hashValid() const
{
    return d->mode == Mode::Write && d->writer && d->options.hash && d->hashOk &&
           d->hashNext == d->extent;
}

QByteArray BTFileStream::sha256() const
{
    if (!hashValid())
        return {};
    if (d->isOpen && !d->writer->flush())
        return {};
    return d->writer->hashResult();
}

Error BTFileStream::error() const
{
    return d->currentError();
}

QByteArray BTFileStream::hashFile(const QString &path, QCryptographicHash::Algorithm algorithm,
                                  Error *error)
{
    const int fd = ::open(nativePath(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            *error = Error::fromErrno(errno, path);
        return {};
    }
    const bool sha256 = algorithm == QCryptographicHash::Sha256;
    Sha256 fast; // QCryptographicHash's SHA-256 is ~10x slower, see Sha256.h
    QCryptographicHash generic(sha256 ? QCryptographicHash::Md5 : algorithm);
    QByteArray buf(1 << 20, Qt::Uninitialized);
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), size_t(buf.size()));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (error)
                *error = Error::fromErrno(errno, path);
            ::close(fd);
            return {};
        }
        if (n == 0)
            break;
        if (sha256)
            fast.addData(QByteArrayView(buf.constData(), n));
        else
            generic.addData(QByteArrayView(buf.constData(), n));
    }
    ::close(fd);
    if (error)
        *error = {};
    return sha256 ? fast.result() : generic.result();
}

} // namespace bt

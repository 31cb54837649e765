#include "upload/FileBodyDevice.h"

#include "transfer/RateLimiter.h"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cerrno>
#include <sys/stat.h>

namespace bt {

namespace {
constexpr qint64 kCheckEvery = 4 << 20; // stat the file every 4 MiB read
} // namespace

FileBodyDevice::FileBodyDevice(const QString &path, qint64 offset, qint64 length,
                               qint64 expectedSize, qint64 expectedMtimeMs, QObject *parent)
    : UploadBody(parent), m_path(path), m_offset(offset), m_length(length),
      m_expectedSize(expectedSize), m_expectedMtimeMs(expectedMtimeMs)
{
}

FileBodyDevice::~FileBodyDevice() = default;

void FileBodyDevice::setRateLimiters(RateLimiter *own, RateLimiter *shared)
{
    m_own = own; // checked on every read: the limit may change while the upload runs
    m_shared = shared;
    if ((m_own || m_shared) && !m_wakeup) {
        m_wakeup = new QTimer(this);
        m_wakeup->setSingleShot(true);
        connect(m_wakeup, &QTimer::timeout, this, [this] { Q_EMIT readyRead(); });
    }
}

bool FileBodyDevice::statFile(const QString &path, qint64 *size, qint64 *mtimeMs, Error *error)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        if (error)
            *error = Error::fromErrno(errno, path);
        return false;
    }
    if (size)
        *size = st.st_size;
    if (mtimeMs)
        *mtimeMs = qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    return true;
}

bool FileBodyDevice::open(OpenMode mode)
{
    if ((mode & ReadWrite) != ReadOnly) {
        setErrorString(tr("An upload body is read-only."));
        return false;
    }
    BTFileStream::Options options;
    options.hash = false;
    Error error;
    if (!m_stream.open(m_path, BTFileStream::Mode::Read, options, &error)) {
        fileFailed(error);
        return false;
    }
    m_stream.seek(m_offset);
    m_maxPos = 0;
    m_nextCheck = kCheckEvery;
    // Unbuffered: curl reads in its own chunks (64 KiB); a second buffer here would only copy.
    return QIODevice::open(mode | Unbuffered);
}

void FileBodyDevice::close()
{
    m_stream.close();
    QIODevice::close();
}

bool FileBodyDevice::seek(qint64 pos)
{
    if (pos < 0 || pos > m_length || !QIODevice::seek(pos))
        return false;
    return m_stream.seek(m_offset + pos);
}

bool FileBodyDevice::atEnd() const
{
    return pos() >= m_length;
}

void FileBodyDevice::fileFailed(const Error &error)
{
    m_error = error;
    setErrorString(error.message);
}

bool FileBodyDevice::checkUnchanged()
{
    qint64 size = -1;
    qint64 mtime = -1;
    Error error;
    if (!statFile(m_path, &size, &mtime, &error)) {
        fileFailed(error);
        return false;
    }
    if (size != m_expectedSize || (m_expectedMtimeMs >= 0 && mtime != m_expectedMtimeMs)) {
        fileFailed(Error{ErrorCode::Io,
                         tr("%1 changed during the upload (it was %2 bytes, it is now %3 bytes); "
                            "the upload was stopped so that the server never gets a mix of "
                            "old and new content.")
                             .arg(m_path)
                             .arg(m_expectedSize)
                             .arg(size),
                         0, -1});
        return false;
    }
    return true;
}

qint64 FileBodyDevice::readData(char *data, qint64 maxSize)
{
    if (m_error.isError())
        return -1;
    const qint64 position = pos();
    qint64 want = qMin(maxSize, m_length - position);
    if (want <= 0)
        return 0;
    RateLimiter *own = (m_own && m_own->isLimited()) ? m_own : nullptr;
    if (own || m_shared) {
        qint64 granted = own ? own->acquire(want) : want;
        if (m_shared && granted > 0) {
            // This upload's own limiter (or this body) names it to the shared one: fair shares.
            const qint64 shared = m_shared->acquire(granted, own ? quintptr(own) : quintptr(this));
            if (own)
                own->giveBack(granted - shared);
            granted = shared;
        }
        if (granted <= 0) {
            // Nothing allowed now: the transport pauses until readyRead(), sent when the budget is
            // back.
            qint64 wait = 0;
            if (own)
                wait = own->msUntilAvailable(qMin<qint64>(want, 16384));
            if (m_shared)
                wait = qMax(wait, m_shared->msUntilAvailable(qMin<qint64>(want, 16384)));
            if (!m_wakeup->isActive())
                m_wakeup->start(int(qBound(qint64(5), wait, qint64(1000))));
            return 0;
        }
        want = granted;
    }
    const qint64 end = position + want;
    // Check before the last byte goes out, and every few MiB on the way.
    if ((end >= m_length || end >= m_nextCheck) && !checkUnchanged())
        return -1;
    if (end >= m_nextCheck)
        m_nextCheck = end + kCheckEvery;
    qint64 copied = 0;
    while (copied < want) {
        const qint64 got = m_stream.read(data + copied, want - copied);
        if (got <= 0) {
            const Error streamError = m_stream.error();
            if (streamError.isError()) {
                fileFailed(streamError);
            } else { // EOF before the announced length: the file shrank
                checkUnchanged();
                if (!m_error.isError())
                    fileFailed(Error{
                        ErrorCode::Io,
                        tr("%1 ended early: it changed during the upload.").arg(m_path), 0, -1});
            }
            return -1;
        }
        copied += got;
    }
    m_maxPos = qMax(m_maxPos, position + copied);
    return copied;
}

qint64 FileBodyDevice::writeData(const char *, qint64)
{
    return -1;
}

} // namespace bt

#include "PartFile.h"

#include <QCoreApplication>
#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bt {

namespace {

Error refusal(const QString &path)
{
    Error e;
    e.code = ErrorCode::PermissionDenied;
    e.message = QCoreApplication::translate("bt::BTFileStream",
                                            "Refusing to write %1: it is a link or not a regular "
                                            "file (remove it to download again)")
                    .arg(path);
    return e;
}

} // namespace

Error partFileInUseError(const QString &path)
{
    Error e;
    e.code = ErrorCode::InUse;
    e.message =
        QCoreApplication::translate("bt::BTFileStream", "%1 is being written by another process")
            .arg(path);
    return e;
}

bool partFileInUse(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // drops our lock, if we got it
    return held;
}

int openPartFile(const QString &path, bool truncate, bool *created, Error *error)
{
    const QByteArray native = QFile::encodeName(path);
    // O_NOFOLLOW: a symlink fails with ELOOP. O_NONBLOCK: a planted FIFO must not hang the
    // open (cleared below, it means nothing for a regular file anyway).
    const int flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
    *created = false;
    int fd = -1;
    int err = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
        fd = ::open(native.constData(), flags);
        if (fd >= 0 || errno != ENOENT) {
            err = errno;
            break;
        }
        // O_CREAT | O_EXCL never follows a link; EEXIST: made meanwhile, open that one.
        fd = ::open(native.constData(), flags | O_CREAT | O_EXCL, 0644);
        err = errno;
        if (fd >= 0) {
            *created = true;
            break;
        }
        if (err != EEXIST)
            break;
    }
    if (fd < 0) {
        // ELOOP: a symlink; EISDIR: a folder; ENXIO: a FIFO nobody reads.
        const bool planted = err == ELOOP || err == EISDIR || err == ENXIO || err == EEXIST;
        *error = planted ? refusal(path) : Error::fromErrno(err, path);
        return -1;
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        *error = Error::fromErrno(errno, path);
        ::close(fd);
        return -1;
    }
    // Another link would let this download overwrite a file outside its folder.
    if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
        *error = refusal(path);
        ::close(fd);
        return -1;
    }
    // One writer per download: the lock belongs to this open file description (a second open,
    // in this process or another, conflicts) and goes with the last fd closed on it.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        *error = err == EWOULDBLOCK ? partFileInUseError(path) : Error::fromErrno(err, path);
        ::close(fd);
        return -1;
    }
    const int fl = ::fcntl(fd, F_GETFL);
    if (fl >= 0)
        ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    // Only now: O_TRUNC at open would have emptied a linked file, or another writer's, first.
    if (truncate && st.st_size > 0 && ::ftruncate(fd, 0) != 0) {
        *error = Error::fromErrno(errno, path);
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace bt

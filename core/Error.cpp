#include "Error.h"

#include <QCoreApplication>
#include <cerrno>
#include <cstring>

namespace bt {

bool Error::isTransient() const
{
    switch (code) {
    case ErrorCode::Network:
    case ErrorCode::Timeout:
    case ErrorCode::HttpTransient:
    case ErrorCode::Protocol:
        return true;
    default:
        return false;
    }
}

bool Error::isDisk() const
{
    return code == ErrorCode::DiskFull || code == ErrorCode::PermissionDenied ||
           code == ErrorCode::NotFound || code == ErrorCode::Io;
}

Error Error::fromErrno(int err, const QString &what)
{
    Error e;
    const QString reason = QString::fromLocal8Bit(std::strerror(err));
    switch (err) {
    case ENOSPC:
    case EDQUOT:
        e.code = ErrorCode::DiskFull;
        e.message =
            QCoreApplication::translate("bt::Error", "Disk full while writing %1").arg(what);
        return e;
    case EROFS:
        // Still a permission problem for the queue (it pauses), but said as it is: no chmod
        // helps on a read-only mount.
        e.code = ErrorCode::PermissionDenied;
        e.message = QCoreApplication::translate("bt::Error", "Read-only file system: %1").arg(what);
        return e;
    case EACCES:
    case EPERM:
        e.code = ErrorCode::PermissionDenied;
        e.message = QCoreApplication::translate("bt::Error", "Permission denied: %1").arg(what);
        return e;
    case ENOENT:
    case ENOTDIR:
        e.code = ErrorCode::NotFound;
        e.message =
            QCoreApplication::translate("bt::Error", "No such file or folder: %1").arg(what);
        return e;
    default:
        e.code = ErrorCode::Io;
        e.message =
            QCoreApplication::translate("bt::Error", "I/O error on %1: %2").arg(what, reason);
        return e;
    }
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return QStringLiteral("none");
    case ErrorCode::InvalidArgument:
        return QStringLiteral("invalid-argument");
    case ErrorCode::Network:
        return QStringLiteral("network");
    case ErrorCode::Timeout:
        return QStringLiteral("timeout");
    case ErrorCode::HttpTransient:
        return QStringLiteral("http-transient");
    case ErrorCode::HttpPermanent:
        return QStringLiteral("http");
    case ErrorCode::TooManyRedirects:
        return QStringLiteral("too-many-redirects");
    case ErrorCode::Protocol:
        return QStringLiteral("protocol");
    case ErrorCode::Integrity:
        return QStringLiteral("integrity");
    case ErrorCode::DiskFull:
        return QStringLiteral("disk-full");
    case ErrorCode::PermissionDenied:
        return QStringLiteral("permission-denied");
    case ErrorCode::NotFound:
        return QStringLiteral("not-found");
    case ErrorCode::Io:
        return QStringLiteral("io");
    case ErrorCode::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorCode::Store:
        return QStringLiteral("store");
    case ErrorCode::Tls:
        return QStringLiteral("tls");
    case ErrorCode::InUse:
        return QStringLiteral("in-use");
    }
    return QStringLiteral("unknown");
}

} // namespace bt

#pragma once

#include <QMetaType>
#include <QString>

namespace bt {

// The one error type of the core: a code a program can switch on, plus a message a person
// understands. Transient errors go back to the retry policy; permanent ones end a transfer.
enum class ErrorCode
{
    None = 0,
    InvalidArgument,  // malformed URL, bad option value
    Network,          // refused, reset, DNS, TLS: transient
    Timeout,          // stall or connect timeout: transient
    HttpTransient,    // 408, 429, 5xx: transient
    HttpPermanent,    // other 4xx, unsupported status
    TooManyRedirects, // loop or > 20 hops
    Protocol,         // inconsistent ranges, bad headers, body shorter than announced
    Integrity,        // checksum / digest mismatch
    DiskFull,
    PermissionDenied,
    NotFound,
    Io,
    Cancelled, // stopped by a person or a signal; the resume state is kept
    Store,     // SQLite store unusable
    Tls,       // certificate not trusted, wrong host name, handshake refused: permanent
    InUse,     // another process is writing the same .part (it holds the lock)
};

struct Error
{
    ErrorCode code = ErrorCode::None;
    QString message;
    int httpStatus = 0;       // when the error came from an HTTP answer
    qint64 retryAfterMs = -1; // server asked to wait (Retry-After), -1 if not

    bool isError() const { return code != ErrorCode::None; }
    bool isTransient() const;
    bool isDisk() const;
    static Error fromErrno(int err, const QString &what); // ENOSPC -> DiskFull, EACCES -> ...
};

QString errorCodeName(ErrorCode code); // stable, machine-readable ("disk-full")

} // namespace bt

Q_DECLARE_METATYPE(bt::Error)

#pragma once

#include "Error.h"

#include <QCoreApplication>
#include <QString>

namespace bt::cli {

// The exit status of `btstream`: a script can switch on it. Stable: documented in --help and
// in the README; never renumber.
enum ExitCode : int
{
    ExitSuccess = 0,       // saved, or already complete
    ExitFailure = 1,       // any other error
    ExitUsage = 2,         // malformed URL, bad option or option value
    ExitNetwork = 3,       // connect, DNS, TLS, timeout, redirects, protocol after retries
    ExitHttp = 4,          // final HTTP 4xx / 5xx answer
    ExitIntegrity = 5,     // checksum or digest mismatch
    ExitDisk = 6,          // disk full, permission, I/O, destination folder not found
    ExitStore = 7,         // the transfer database is unusable
    ExitInUse = 8,         // another process is writing the same download
    ExitAfterDownload = 9, // saved, but --extract or --on-complete failed (the file stays)
    ExitInterrupted = 130  // SIGINT or SIGTERM; the resume state is saved
};

inline int exitCodeFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return ExitSuccess;
    case ErrorCode::InvalidArgument:
        return ExitUsage;
    case ErrorCode::Network:
    case ErrorCode::Timeout:
    case ErrorCode::TooManyRedirects:
    case ErrorCode::Protocol:
    case ErrorCode::Tls:
        return ExitNetwork;
    case ErrorCode::HttpTransient:
    case ErrorCode::HttpPermanent:
        return ExitHttp;
    case ErrorCode::Integrity:
        return ExitIntegrity;
    case ErrorCode::DiskFull:
    case ErrorCode::PermissionDenied:
    case ErrorCode::NotFound:
    case ErrorCode::Io:
        return ExitDisk;
    case ErrorCode::Store:
        return ExitStore;
    case ErrorCode::Cancelled:
        return ExitInterrupted;
    case ErrorCode::InUse:
        return ExitInUse;
    }
    return ExitFailure;
}

// The "Exit codes:" section of --help.
inline QString exitCodeHelp()
{
    return QCoreApplication::translate(
        "bt::cli", "Exit codes:\n"
                   "  0    success (also: the file was already complete)\n"
                   "  1    other error\n"
                   "  2    usage: malformed URL, bad option or option value\n"
                   "  3    network: connect, DNS, TLS, timeout, too many redirects, protocol\n"
                   "  4    HTTP error (final 4xx or 5xx answer)\n"
                   "  5    integrity: checksum or digest mismatch\n"
                   "  6    disk: full, permission denied, I/O error, destination folder not found\n"
                   "  7    store: the transfer database is unusable\n"
                   "  8    in use: another process is writing the same download\n"
                   "  9    after download: --extract or --on-complete failed (the file is saved)\n"
                   "  130  interrupted (SIGINT or SIGTERM); run the same command again to resume\n"
                   "With several URLs the exit code is the highest of their codes.\n");
}

} // namespace bt::cli

#pragma once

#include "http/DigestHeader.h"
#include "model/AfterDownloadActions.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace bt {

// Hashes of consecutive pieces of a file (a metalink's <pieces>): piece i covers bytes
// [i * length, (i + 1) * length), the last one up to the end.
struct PieceHashes
{
    qint64 length = 0;
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256;
    QList<QByteArray> hashes; // raw digests
    bool isEmpty() const { return length <= 0 || hashes.isEmpty(); }
};

// Everything a person can ask of one download. The defaults are the product's defaults:
// `btstream get URL` and the dialog's "Add" use them untouched.
struct DownloadRequest
{
    QUrl url;
    QString directory;   // where the file goes (the current directory for the CLI)
    QString fileName;    // -o: exact path or name; empty = from Content-Disposition / URL
    int connections = 0; // 0 = adaptive (more while the total rate grows), else forced
    int maxConnections = 16;
    qint64 minSegmentSize = 1 << 20;    // never split below this
    int retries = 10;                   // attempts after a transient error; reset on progress
    int stallTimeoutSec = 30;           // no byte for this long ends a connection (it resumes)
    qint64 maxRetryAfterMs = 300000;    // cap on a server's Retry-After (--retry-max-wait)
    qint64 rateLimit = 0;               // bytes per second for this download, 0 = unlimited
    QList<http::DigestValue> checksums; // --checksum, verified against the complete file
    // --sha256 / the setting "compute the SHA-256 of every download": report the file's hash
    // even when nothing is to be verified (otherwise a download hashes only to verify).
    bool sha256 = false;
    QList<QPair<QByteArray, QByteArray>> headers; // --header
    QString user;                                 // --user "name:password" (Basic)
    // The password a URL carried ("ftp://ann:pw@host/f"): taken out of `url` before the
    // request is stored or shown, kept in memory only, and sent as the URL's user's password
    // where `user` is empty (to the URL's origin only, as `user`).
    QString urlPassword;
    QString cookieFile;    // --cookies FILE (Netscape format)
    bool insecure = false; // --insecure: skip TLS verification
    QString caCertFile;    // --cacert: trust only these CAs (PEM), not the system's
    bool resume = true;    // continue a saved download of the same request
    int maxRedirects = 20;
    qint64 retryDelayMs = 1000; // first backoff step (doubles per attempt, jittered)
    // --extract, --on-complete: run by the queue once the download completed (not when the
    // file was complete already), stored with the row so a resumed download still runs them.
    AfterDownloadActions afterDownload;
    // More addresses of the same file (a metalink's, or a server's Link: rel=duplicate):
    // segments are fetched from all of them at once, a mirror that fails is dropped.
    QList<QUrl> mirrors;
    qint64 expectedSize = -1; // the size a metalink gives; a server saying otherwise is wrong
    PieceHashes pieces;       // verified as the pieces arrive; a bad one is fetched again
    // The store row to use (the queue's), 0 = find the row of the same request or add one.
    qint64 storeId = 0;
};

} // namespace bt

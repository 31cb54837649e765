#pragma once

#include "Error.h"
#include "http/DigestHeader.h"

#include <QByteArray>
#include <QList>

namespace bt {

// The end-of-download check of the complete .part: the server's Repr-Digest/Digest (of a
// 200 or 206: both describe the whole file) and the person's --checksum values. `knownSha256` is
// the stream's incremental hash when the writes were sequential (empty otherwise: the file is
// read). `*sha256` is the file's SHA-256 when `wantSha256` or when a check computed it, else
// empty. Thread-safe: a long pass over a big file runs off the worker thread.
class DownloadVerifier
{
public:
    static Error verify(const QString &path, const QByteArray &knownSha256,
                        const QList<http::DigestValue> &serverDigests,
                        const QList<http::DigestValue> &checksums, bool wantSha256,
                        QByteArray *sha256);
    // Whether any of `digests` is a SHA-256 (the stream's incremental hash can answer it).
    static bool hasSha256(const QList<http::DigestValue> &digests);
};

} // namespace bt

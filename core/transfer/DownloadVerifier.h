#pragma once

#include "Error.h"
#include "http/DigestHeader.h"

#include <QByteArray>
#include <QList>

namespace bt {

// The end-of-download check of the complete .part: the server's Repr-Digest/Digest (of a
// 200 or 206: both describe the whole file) and the person's --checksum values. `knownSha256` is
// the stream's incremental hash when the writes were sequential (empty otherwise: the file is
// read). Thread-safe: a long pass over a big file runs off the worker thread.
class DownloadVerifier
{
public:
    static Error verify(const QString &path, const QByteArray &knownSha256,
                        const QList<http::DigestValue> &serverDigests,
                        const QList<http::DigestValue> &checksums, QByteArray *sha256);
};

} // namespace bt

#pragma once

#include "Error.h"
#include "http/DigestHeader.h"

#include <QByteArray>
#include <QList>

namespace bt {

class BTFileStream;

// The end-of-download check of the complete .part: the server's Repr-Digest/Digest of a
// full answer and the person's --checksum values. SHA-256 comes from the stream's
// incremental hash when the writes were sequential, else from a pass over the file.
class DownloadVerifier
{
public:
    static Error verify(BTFileStream *stream, const QList<http::DigestValue> &serverDigests,
                        const QList<http::DigestValue> &checksums, QByteArray *sha256);
};

} // namespace bt

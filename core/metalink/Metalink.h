#pragma once

#include "http/DigestHeader.h"
#include "model/DownloadRequest.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QList>
#include <QString>
#include <QUrl>

namespace bt::metalink {

// One <file> of a metalink: where it may be fetched and how to check it.
struct MetalinkFile
{
    QString name; // a relative path, every component sanitized ("dir/file.iso")
    qint64 size = -1;
    QList<http::DigestValue> hashes; // of the whole file, strongest first
    // The piece hashes (<pieces length type>): piece i covers [i * pieceLength, +pieceLength).
    qint64 pieceLength = 0;
    QCryptographicHash::Algorithm pieceAlgorithm = QCryptographicHash::Sha256;
    QList<QByteArray> pieceHashes; // raw digests
    QList<QUrl> urls;              // http(s) mirrors, the preferred first
};

struct Metalink
{
    int version = 4; // 3 (metalinker.org) or 4 (RFC 5854)
    QList<MetalinkFile> files;
    QStringList warnings; // what was skipped (unsupported or relative URLs, unknown hashes)
};

// Metalink v4 (RFC 5854) and v3 documents, read with QXmlStreamReader. URLs relative to
// `base` (the metalink's own address, may be empty for a local file) are resolved; URLs that
// are not http(s) (ftp, torrents, metaurls) are skipped with a warning. False with `error` for
// malformed XML, a document that is not a metalink, a file without a usable URL, an unsafe
// name ("..", absolute), or pieces that do not cover the size.
bool parse(const QByteArray &xml, const QUrl &base, Metalink *out, QString *error);

// The algorithm of a metalink hash type: "sha-256" (v4, IANA), "sha256" (v3), "sha-1",
// "sha1", "md5", "sha-512", "sha512", "sha-384". False when unknown.
bool algorithmOf(const QString &type, QCryptographicHash::Algorithm *algorithm);

// One request a <file>, from `base` (the person's options): the preferred URL as the
// request's, the others as its mirrors, the strongest file hash as a checksum, the size and
// the piece hashes; a name with folders goes below base's folder.
QList<DownloadRequest> requestsFor(const Metalink &metalink, const DownloadRequest &base);

// Whether `path` or `url` names a metalink by its suffix (.meta4, .metalink).
bool looksLikeMetalink(const QString &pathOrUrl);

} // namespace bt::metalink

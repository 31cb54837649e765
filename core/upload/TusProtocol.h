#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QDateTime>
#include <QList>
#include <QPair>

class QNetworkReply;

namespace bt::tus {

// Pure helpers for tus 1.0 (https://tus.io/protocols/resumable-upload): no I/O, unit-tested.

inline constexpr char kVersion[] = "1.0.0";

// What an OPTIONS answer says about the server.
struct ServerInfo
{
    bool known = false;                // the answer carried Tus-Version
    QByteArrayList versions;           // Tus-Version
    QByteArrayList extensions;         // Tus-Extension
    QByteArrayList checksumAlgorithms; // Tus-Checksum-Algorithm (lower case)
    qint64 maxSize = -1;               // Tus-Max-Size, -1 if none

    bool has(const QByteArray &extension) const { return extensions.contains(extension); }
    bool supportsVersion() const { return !known || versions.contains(kVersion); }
};

// From the raw header values (as sent; empty when missing).
ServerInfo parseServerInfo(const QByteArray &version, const QByteArray &extension,
                           const QByteArray &maxSize, const QByteArray &checksumAlgorithms);

// Upload-Metadata: "key base64(value),key2 base64(value2)". Keys must be non-empty ASCII
// without spaces or commas; bad keys are dropped.
QByteArray encodeMetadata(const QList<QPair<QByteArray, QByteArray>> &pairs);

// Upload-Offset / Upload-Length: a non-negative decimal integer, else -1.
qint64 parseOffset(const QByteArray &value);

// Upload-Expires (an HTTP-date, RFC 9110); invalid QDateTime when missing or malformed.
QDateTime parseExpires(const QByteArray &value);

// Upload-Checksum value for a digest: "<algorithm> <base64>".
QByteArray checksumHeader(const QByteArray &algorithm, const QByteArray &digest);

} // namespace bt::tus

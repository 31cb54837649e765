#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QList>
#include <QString>

namespace bt::http {

struct DigestValue
{
    QCryptographicHash::Algorithm algorithm;
    QByteArray digest; // raw bytes (decoded from base64 or hex)
};

// Repr-Digest (RFC 9530, a structured-field dictionary: sha-256=:BASE64:, sha-512=:...:).
// Unknown algorithms are skipped; malformed members are skipped.
QList<DigestValue> parseReprDigest(const QByteArray &value);

// Digest (RFC 3230: SHA-256=BASE64, SHA-512=BASE64, MD5=BASE64), case-insensitive names.
QList<DigestValue> parseDigest(const QByteArray &value);

// A user's --checksum ALG=HEX (sha256, sha512, sha1, md5). false when malformed.
bool parseChecksumOption(const QString &text, DigestValue *out);

QString algorithmName(QCryptographicHash::Algorithm algorithm); // "sha-256"

} // namespace bt::http

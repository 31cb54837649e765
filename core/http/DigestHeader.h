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
// Unknown algorithms are skipped; malformed members are skipped; a decoded digest must have
// the algorithm's length. A key given twice: the last value wins (RFC 8941).
QList<DigestValue> parseReprDigest(const QByteArray &value);

// Digest (RFC 3230: SHA-256=BASE64, SHA-512=BASE64, MD5=BASE64), case-insensitive names
// ("sha256" too). Same skipping and length rules as above.
QList<DigestValue> parseDigest(const QByteArray &value);

// A user's --checksum ALG=HEX (sha256, sha512, sha1, md5; "sha-256" etc. too, any case).
// false when malformed: unknown algorithm, non-hex digit, or the wrong number of digits.
bool parseChecksumOption(const QString &text, DigestValue *out);

QString algorithmName(QCryptographicHash::Algorithm algorithm); // "sha-256"

} // namespace bt::http

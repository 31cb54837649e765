#include "transfer/DownloadVerifier.h"

#include "io/BTFileStream.h"

#include <QCoreApplication>
#include <QHash>

namespace bt {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("bt::DownloadVerifier", text);
}
} // namespace

Error DownloadVerifier::verify(const QString &path, const QByteArray &knownSha256,
                               const QList<http::DigestValue> &serverDigests,
                               const QList<http::DigestValue> &checksums, bool wantSha256,
                               QByteArray *sha256)
{
    QHash<int, QByteArray> computed;
    Error error;
    auto digestOf = [&](QCryptographicHash::Algorithm algorithm) -> QByteArray {
        const int key = int(algorithm);
        if (computed.contains(key))
            return computed.value(key);
        QByteArray value;
        if (algorithm == QCryptographicHash::Sha256 && !knownSha256.isEmpty())
            value = knownSha256;
        else
            value = BTFileStream::hashFile(path, algorithm, &error);
        computed.insert(key, value);
        return value;
    };

    if (wantSha256) {
        *sha256 = digestOf(QCryptographicHash::Sha256);
        if (error.isError())
            return error;
    }
    // The first digest of `expected` the file does not match, as an Integrity error saying
    // `mismatch` (%1 algorithm, %2 expected, %3 actual, in hex).
    auto firstMismatch = [&](const QList<http::DigestValue> &expected,
                             const QString &mismatch) -> Error {
        for (const http::DigestValue &d : expected) {
            const QByteArray actual = digestOf(d.algorithm);
            if (error.isError())
                return error;
            if (actual != d.digest)
                return {ErrorCode::Integrity, mismatch.arg(http::algorithmName(d.algorithm),
                                                           QString::fromLatin1(d.digest.toHex()),
                                                           QString::fromLatin1(actual.toHex()))};
        }
        return {};
    };
    const Error server = firstMismatch(
        serverDigests, tr("The downloaded data does not match the server's %1 digest (expected "
                          "%2, got %3)."));
    if (server.isError())
        return server;
    const Error mine = firstMismatch(checksums, tr("Checksum mismatch: expected %1 %2, got %3."));
    if (!mine.isError() && sha256->isEmpty())
        *sha256 = computed.value(int(QCryptographicHash::Sha256)); // a check needed it anyway
    return mine;
}

bool DownloadVerifier::hasSha256(const QList<http::DigestValue> &digests)
{
    for (const http::DigestValue &d : digests) {
        if (d.algorithm == QCryptographicHash::Sha256)
            return true;
    }
    return false;
}

} // namespace bt

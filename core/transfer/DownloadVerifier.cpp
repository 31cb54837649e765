#include "transfer/DownloadVerifier.h"

#include "io/BTFileStream.h"

#include <QCoreApplication>
#include <QHash>

namespace bt {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("bt::HttpDownload", text);
}
} // namespace

Error DownloadVerifier::verify(const QString &path, const QByteArray &knownSha256,
                               const QList<http::DigestValue> &serverDigests,
                               const QList<http::DigestValue> &checksums, QByteArray *sha256)
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

    *sha256 = digestOf(QCryptographicHash::Sha256);
    if (error.isError())
        return error;
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
    return firstMismatch(checksums, tr("Checksum mismatch: expected %1 %2, got %3."));
}

} // namespace bt

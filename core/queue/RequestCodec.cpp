#include "queue/RequestCodec.h"

#include "transfer/DestinationResolver.h"

#include <QStringList>

namespace bt::requestcodec {

namespace {
const QString kConnections = QStringLiteral("connections");
const QString kMaxConnections = QStringLiteral("maxConnections");
const QString kMinSegment = QStringLiteral("minSegmentSize");
const QString kRetries = QStringLiteral("retries");
const QString kStall = QStringLiteral("stallTimeoutSec");
const QString kMaxRetryAfter = QStringLiteral("maxRetryAfterMs");
const QString kRate = QStringLiteral("rateLimit");
const QString kChecksums = QStringLiteral("checksums");
const QString kHeaders = QStringLiteral("headers");
const QString kUser = QStringLiteral("user");
const QString kCookies = QStringLiteral("cookieFile");
const QString kInsecure = QStringLiteral("insecure");
const QString kCaCert = QStringLiteral("caCertFile");
const QString kResume = QStringLiteral("resume");
const QString kRedirects = QStringLiteral("maxRedirects");
const QString kRetryDelay = QStringLiteral("retryDelayMs");
const QString kExtract = QStringLiteral("extract");
const QString kOnComplete = QStringLiteral("onComplete");
const QString kMirrors = QStringLiteral("mirrors");
const QString kExpectedSize = QStringLiteral("expectedSize");
const QString kPieceLength = QStringLiteral("pieceLength");
const QString kPieceAlgorithm = QStringLiteral("pieceAlgorithm");
const QString kPieceHashes = QStringLiteral("pieceHashes"); // hex digests, concatenated
} // namespace

DownloadKey downloadKey(const DownloadRequest &r)
{
    // The folder as the engine looks it up (absolute), so that it continues this very row.
    return {r.url, DestinationResolver::directoryOf(r), r.fileName};
}

TransferRecord toRecord(const DownloadRequest &r)
{
    const DownloadRequest defaults;
    TransferRecord rec;
    rec.direction = TransferDirection::Download;
    rec.state = TransferState::Queued;
    DownloadKey key = downloadKey(r);
    rec.url = std::move(key.url);
    rec.directory = std::move(key.directory);
    rec.requestedName = std::move(key.requestedName);
    QVariantMap &o = rec.options;
    // Only what differs from the defaults: a later version's better defaults then apply.
    if (r.connections != defaults.connections)
        o.insert(kConnections, r.connections);
    if (r.maxConnections != defaults.maxConnections)
        o.insert(kMaxConnections, r.maxConnections);
    if (r.minSegmentSize != defaults.minSegmentSize)
        o.insert(kMinSegment, r.minSegmentSize);
    if (r.retries != defaults.retries)
        o.insert(kRetries, r.retries);
    if (r.stallTimeoutSec != defaults.stallTimeoutSec)
        o.insert(kStall, r.stallTimeoutSec);
    if (r.maxRetryAfterMs != defaults.maxRetryAfterMs)
        o.insert(kMaxRetryAfter, r.maxRetryAfterMs);
    if (r.rateLimit != 0)
        o.insert(kRate, r.rateLimit);
    if (!r.checksums.isEmpty()) {
        QStringList list;
        for (const http::DigestValue &d : r.checksums) {
            list.append(QString::number(int(d.algorithm)) + QLatin1Char(':') +
                        QString::fromLatin1(d.digest.toHex()));
        }
        o.insert(kChecksums, list);
        if (r.checksums.first().algorithm == QCryptographicHash::Sha256)
            rec.expectedChecksum =
                QStringLiteral("sha256=") + QString::fromLatin1(r.checksums.first().digest.toHex());
    }
    if (!r.headers.isEmpty()) {
        QStringList list;
        for (const auto &h : r.headers)
            list.append(QString::fromLatin1(h.first + ": " + h.second));
        o.insert(kHeaders, list);
    }
    if (!r.user.isEmpty())
        o.insert(kUser, r.user);
    if (!r.cookieFile.isEmpty())
        o.insert(kCookies, r.cookieFile);
    if (r.insecure)
        o.insert(kInsecure, true);
    if (!r.caCertFile.isEmpty())
        o.insert(kCaCert, r.caCertFile);
    if (!r.resume)
        o.insert(kResume, false);
    if (r.maxRedirects != defaults.maxRedirects)
        o.insert(kRedirects, r.maxRedirects);
    if (r.retryDelayMs != defaults.retryDelayMs)
        o.insert(kRetryDelay, r.retryDelayMs);
    if (!r.mirrors.isEmpty()) {
        QStringList list;
        for (const QUrl &url : r.mirrors)
            list.append(QString::fromUtf8(url.toEncoded()));
        o.insert(kMirrors, list);
    }
    if (r.expectedSize >= 0)
        o.insert(kExpectedSize, r.expectedSize);
    if (!r.pieces.isEmpty()) {
        o.insert(kPieceLength, r.pieces.length);
        o.insert(kPieceAlgorithm, int(r.pieces.algorithm));
        o.insert(kPieceHashes, QString::fromLatin1(r.pieces.hashes.join().toHex()));
    }
    setAfterDownload(&rec, r.afterDownload);
    return rec;
}

DownloadRequest fromRecord(const TransferRecord &rec)
{
    DownloadRequest r;
    r.url = rec.url;
    r.directory = rec.directory;
    r.fileName = rec.requestedName;
    const QVariantMap &o = rec.options;
    r.connections = o.value(kConnections, r.connections).toInt();
    r.maxConnections = o.value(kMaxConnections, r.maxConnections).toInt();
    r.minSegmentSize = o.value(kMinSegment, r.minSegmentSize).toLongLong();
    r.retries = o.value(kRetries, r.retries).toInt();
    r.stallTimeoutSec = o.value(kStall, r.stallTimeoutSec).toInt();
    r.maxRetryAfterMs = o.value(kMaxRetryAfter, r.maxRetryAfterMs).toLongLong();
    r.rateLimit = o.value(kRate, 0).toLongLong();
    for (const QString &s : o.value(kChecksums).toStringList()) {
        const int colon = s.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            continue;
        http::DigestValue d;
        d.algorithm = QCryptographicHash::Algorithm(s.left(colon).toInt());
        d.digest = QByteArray::fromHex(s.mid(colon + 1).toLatin1());
        r.checksums.append(d);
    }
    for (const QString &s : o.value(kHeaders).toStringList()) {
        const int colon = s.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            continue;
        r.headers.append(
            {s.left(colon).trimmed().toLatin1(), s.mid(colon + 1).trimmed().toLatin1()});
    }
    r.user = o.value(kUser).toString();
    r.cookieFile = o.value(kCookies).toString();
    r.insecure = o.value(kInsecure, false).toBool();
    r.caCertFile = o.value(kCaCert).toString();
    r.resume = o.value(kResume, true).toBool();
    r.maxRedirects = o.value(kRedirects, r.maxRedirects).toInt();
    r.retryDelayMs = o.value(kRetryDelay, r.retryDelayMs).toLongLong();
    r.mirrors = mirrors(rec);
    r.expectedSize = o.value(kExpectedSize, -1).toLongLong();
    const qint64 pieceLength = o.value(kPieceLength, 0).toLongLong();
    const auto algorithm = QCryptographicHash::Algorithm(o.value(kPieceAlgorithm, 0).toInt());
    const QByteArray hashes = QByteArray::fromHex(o.value(kPieceHashes).toString().toLatin1());
    const int digestSize = QCryptographicHash::hashLength(algorithm);
    if (pieceLength > 0 && digestSize > 0 && !hashes.isEmpty() && hashes.size() % digestSize == 0) {
        r.pieces.length = pieceLength;
        r.pieces.algorithm = algorithm;
        for (qsizetype at = 0; at < hashes.size(); at += digestSize)
            r.pieces.hashes.append(hashes.mid(at, digestSize));
    }
    r.afterDownload = afterDownload(rec);
    return r;
}

AfterDownloadActions afterDownload(const TransferRecord &record)
{
    AfterDownloadActions a;
    if (record.direction != TransferDirection::Download)
        return a;
    a.extract = record.options.value(kExtract, false).toBool();
    a.command = record.options.value(kOnComplete).toString();
    return a;
}

void setAfterDownload(TransferRecord *record, const AfterDownloadActions &actions)
{
    record->options.remove(kExtract);
    record->options.remove(kOnComplete);
    if (actions.extract)
        record->options.insert(kExtract, true);
    if (!actions.command.trimmed().isEmpty())
        record->options.insert(kOnComplete, actions.command);
}

QList<QUrl> mirrors(const TransferRecord &record)
{
    QList<QUrl> urls;
    for (const QString &s : record.options.value(kMirrors).toStringList()) {
        const QUrl url = QUrl::fromEncoded(s.toUtf8(), QUrl::StrictMode);
        if (url.isValid())
            urls.append(url);
    }
    return urls;
}

qint64 rateLimit(const TransferRecord &record)
{
    return record.options.value(kRate, 0).toLongLong();
}

QString matchKey(const DownloadKey &key)
{
    return QString::fromUtf8(key.url.toEncoded()) + QChar(0) + key.directory + QChar(0) +
           key.requestedName; // as the store compares them
}

QString matchKey(const TransferRecord &record)
{
    return matchKey(DownloadKey{record.url, record.directory, record.requestedName});
}

} // namespace bt::requestcodec

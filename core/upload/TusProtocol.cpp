#include "upload/TusProtocol.h"

#include <QLocale>
#include <QTimeZone>

namespace bt::tus {

namespace {
QByteArrayList splitList(const QByteArray &value, bool lower)
{
    QByteArrayList out;
    for (const QByteArray &part : value.split(',')) {
        const QByteArray item = lower ? part.trimmed().toLower() : part.trimmed();
        if (!item.isEmpty())
            out.append(item);
    }
    return out;
}
} // namespace

ServerInfo parseServerInfo(const QByteArray &version, const QByteArray &extension,
                           const QByteArray &maxSize, const QByteArray &checksumAlgorithms)
{
    ServerInfo info;
    info.versions = splitList(version, false);
    info.known = !info.versions.isEmpty();
    info.extensions = splitList(extension, true);
    info.checksumAlgorithms = splitList(checksumAlgorithms, true);
    info.maxSize = parseOffset(maxSize.trimmed());
    return info;
}

QByteArray encodeMetadata(const QList<QPair<QByteArray, QByteArray>> &pairs)
{
    QByteArrayList parts;
    for (const auto &pair : pairs) {
        const QByteArray &key = pair.first;
        bool ok = !key.isEmpty();
        for (char c : key)
            ok = ok && c > ' ' && c < 127 && c != ',';
        if (!ok)
            continue;
        parts.append(pair.second.isEmpty() ? key : key + ' ' + pair.second.toBase64());
    }
    return parts.join(',');
}

qint64 parseOffset(const QByteArray &value)
{
    if (value.isEmpty() || value.size() > 18)
        return -1;
    for (char c : value)
        if (c < '0' || c > '9')
            return -1;
    return value.toLongLong();
}

QDateTime parseExpires(const QByteArray &value)
{
    // "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, what tus servers send).
    const QString text = QString::fromLatin1(value.trimmed());
    QDateTime dt = QLocale::c().toDateTime(text, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (dt.isValid()) {
        dt.setTimeZone(QTimeZone::utc());
        return dt;
    }
    dt = QDateTime::fromString(text, Qt::RFC2822Date); // with a numeric zone
    return dt.isValid() ? dt.toUTC() : QDateTime();
}

QByteArray checksumHeader(const QByteArray &algorithm, const QByteArray &digest)
{
    return algorithm + ' ' + digest.toBase64();
}

} // namespace bt::tus

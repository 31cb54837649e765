#include "PartName.h"

#include <QCryptographicHash>
#include <QFile>

namespace bt {

QString partFileName(const QString &fileName, const QString &suffix)
{
    const QByteArray name = QFile::encodeName(fileName);
    const QByteArray tail = QFile::encodeName(suffix);
    if (name.size() + tail.size() <= kMaxFileNameBytes)
        return fileName + suffix;
    const QByteArray hash =
        QCryptographicHash::hash(name, QCryptographicHash::Sha256).toHex().left(8);
    qsizetype keep = qMax<qsizetype>(0, kMaxFileNameBytes - 1 - hash.size() - tail.size());
    while (keep > 0 && (uchar(name.at(keep)) & 0xC0) == 0x80)
        --keep; // never split a UTF-8 sequence
    QString part = QFile::decodeName(name.left(keep) + '~' + hash) + suffix;
    if (part == fileName) // a name made to be its own .part: mark it differently
        part = QFile::decodeName(name.left(keep) + '#' + hash) + suffix;
    return part;
}

QString partPath(const QString &path, const QString &suffix)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    return path.left(slash + 1) + partFileName(path.mid(slash + 1), suffix);
}

} // namespace bt

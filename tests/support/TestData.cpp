#include "TestData.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>

#include <cstring>

namespace bt::test {

QByteArray makeTestData(qint64 size, quint32 seed)
{
    QByteArray out(qsizetype(size), Qt::Uninitialized);
    // splitmix64 of the seed gives a never-zero xorshift64 state.
    quint64 s = seed + 0x9e3779b97f4a7c15ull;
    s = (s ^ (s >> 30)) * 0xbf58476d1ce4e5b9ull;
    s = (s ^ (s >> 27)) * 0x94d049bb133111ebull;
    s ^= s >> 31;
    if (s == 0)
        s = 0x2545f4914f6cdd1dull;
    char *p = out.data();
    qint64 i = 0;
    for (; i + 8 <= size; i += 8) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        std::memcpy(p + i, &s, 8);
    }
    if (i < size) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        std::memcpy(p + i, &s, size_t(size - i));
    }
    return out;
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray fileSha256Hex(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(1024 * 1024, Qt::Uninitialized);
    for (;;) {
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0)
            return {};
        if (n == 0)
            break;
        hash.addData(QByteArrayView(buffer.constData(), n));
    }
    return hash.result().toHex();
}

bool anyFileContains(const QString &dir, const QByteArray &needle)
{
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            return true;
    }
    return false;
}

} // namespace bt::test

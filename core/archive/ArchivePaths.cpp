#include "archive/ArchivePaths.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QStringList>

namespace bt::archivepath {

namespace {

// Longest first, so that "x.tar.gz" loses ".tar.gz" and not only ".gz".
const QStringList &archiveSuffixes()
{
    static const QStringList list = {
        QStringLiteral(".tar.gz"),  QStringLiteral(".tar.bz2"), QStringLiteral(".tar.xz"),
        QStringLiteral(".tar.zst"), QStringLiteral(".tar.lz"),  QStringLiteral(".tar.lzma"),
        QStringLiteral(".tar.z"),   QStringLiteral(".tgz"),     QStringLiteral(".tbz2"),
        QStringLiteral(".tbz"),     QStringLiteral(".txz"),     QStringLiteral(".tzst"),
        QStringLiteral(".tar"),     QStringLiteral(".zip"),     QStringLiteral(".7z"),
        QStringLiteral(".rar"),     QStringLiteral(".cpio"),    QStringLiteral(".lha"),
        QStringLiteral(".lzh"),     QStringLiteral(".cab"),
    };
    return list;
}

} // namespace

bool hasArchiveExtension(const QString &fileName)
{
    const QString lower = fileName.toLower();
    for (const QString &suffix : archiveSuffixes())
        if (lower.endsWith(suffix) && lower.size() > suffix.size())
            return true;
    return false;
}

bool isContainerDocument(const QString &fileName)
{
    static const QStringList list = {
        QStringLiteral("docx"), QStringLiteral("xlsx"),     QStringLiteral("pptx"),
        QStringLiteral("odt"),  QStringLiteral("ods"),      QStringLiteral("odp"),
        QStringLiteral("odg"),  QStringLiteral("epub"),     QStringLiteral("jar"),
        QStringLiteral("war"),  QStringLiteral("ear"),      QStringLiteral("apk"),
        QStringLiteral("aab"),  QStringLiteral("ipa"),      QStringLiteral("xpi"),
        QStringLiteral("whl"),  QStringLiteral("nupkg"),    QStringLiteral("vsix"),
        QStringLiteral("appx"), QStringLiteral("msix"),     QStringLiteral("kmz"),
        QStringLiteral("3mf"),  QStringLiteral("deb"),      QStringLiteral("rpm"),
        QStringLiteral("iso"),  QStringLiteral("img"),      QStringLiteral("dmg"),
        QStringLiteral("cbz"),  QStringLiteral("cbr"),      QStringLiteral("crx"),
        QStringLiteral("snap"), QStringLiteral("appimage"), QStringLiteral("flatpak"),
    };
    const qsizetype dot = fileName.lastIndexOf(QLatin1Char('.'));
    return dot >= 0 && list.contains(fileName.mid(dot + 1).toLower());
}

bool hasArchiveMagic(const QByteArray &head)
{
    static const QList<QByteArray> magics = {
        QByteArray("PK\x03\x04", 4),         // zip
        QByteArray("PK\x05\x06", 4),         // empty zip
        QByteArray("7z\xbc\xaf\x27\x1c", 6), // 7z
        QByteArray("Rar!\x1a\x07", 6),       // rar
        QByteArray("\x1f\x8b", 2),           // gzip
        QByteArray("BZh", 3),                // bzip2
        QByteArray("\xfd"
                   "7zXZ\x00",
                   6),                     // xz
        QByteArray("\x28\xb5\x2f\xfd", 4), // zstd
    };
    for (const QByteArray &m : magics)
        if (head.startsWith(m))
            return true;
    return head.mid(257, 5) == "ustar";
}

QString stripArchiveExtension(const QString &fileName)
{
    const QString lower = fileName.toLower();
    QString base = fileName;
    for (const QString &suffix : archiveSuffixes()) {
        if (lower.endsWith(suffix)) {
            base = fileName.left(fileName.size() - suffix.size());
            break;
        }
    }
    base = base.trimmed();
    if (base.isEmpty() || base == QLatin1String(".") || base == QLatin1String(".."))
        return QStringLiteral("archive");
    return base;
}

bool safeRelativePath(const QString &entryName, QString *relative, QString *why)
{
    relative->clear();
    if (entryName.startsWith(QLatin1Char('/'))) {
        if (why)
            *why = QCoreApplication::translate("bt::ArchiveExtractor", "an absolute path");
        return false;
    }
    QStringList parts;
    for (const QString &part : entryName.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String("."))
            continue;
        if (part == QLatin1String("..")) {
            if (why)
                *why = QCoreApplication::translate("bt::ArchiveExtractor",
                                                   "a path that goes up with \"..\"");
            return false;
        }
        parts.append(part);
    }
    *relative = parts.join(QLatin1Char('/'));
    return true;
}

bool symlinkStaysInside(const QString &linkPath, const QString &linkTarget)
{
    if (linkTarget.isEmpty() || linkTarget.startsWith(QLatin1Char('/')))
        return false;
    const qsizetype depth = linkPath.split(QLatin1Char('/'), Qt::SkipEmptyParts).size() - 1;
    qsizetype ups = 0;
    bool sawName = false;
    for (const QString &part : linkTarget.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String("."))
            continue;
        if (part == QLatin1String("..")) {
            if (sawName)
                return false;
            ++ups;
        } else {
            sawName = true;
        }
    }
    return ups <= depth;
}

} // namespace bt::archivepath

#include "FileName.h"

#include "PartName.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

namespace bt::http {

namespace {

constexpr qsizetype kMaxNameBytes = 200;
constexpr qsizetype kMaxExtensionChars = 16; // longer "extensions" are just part of the name

bool isUnwanted(char32_t c)
{
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
        return true; // C0, DEL, C1 controls
    // Bidi overrides and isolates: they make "evil\u202Etxt.exe" display as "evilexe.txt".
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        return true;
    return c == 0xfeff; // BOM / zero-width no-break space
}

bool isTrimmed(QChar c)
{
    return c == QLatin1Char('.') || c.isSpace();
}

// "archive.tar.gz" -> ".tar.gz", "photo.jpg" -> ".jpg", "README" / ".bashrc" -> "".
QString extensionOf(const QString &name)
{
    const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
    if (dot <= 0 || dot == name.size() - 1 || name.size() - dot > kMaxExtensionChars)
        return {};
    const qsizetype prev = name.lastIndexOf(QLatin1Char('.'), dot - 1);
    if (prev > 0 &&
        name.mid(prev + 1, dot - prev - 1).compare(QLatin1String("tar"), Qt::CaseInsensitive) == 0)
        return name.mid(prev);
    return name.mid(dot);
}

// Cuts `s` to at most `maxBytes` of UTF-8 without splitting a character.
QString truncateUtf8(const QString &s, qsizetype maxBytes)
{
    qsizetype bytes = 0;
    qsizetype i = 0;
    while (i < s.size()) {
        const char32_t c = s.at(i).unicode();
        qsizetype units = 1;
        qsizetype len;
        if (QChar::isHighSurrogate(c) && i + 1 < s.size() && s.at(i + 1).isLowSurrogate()) {
            units = 2;
            len = 4;
        } else {
            len = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (bytes + len > maxBytes)
            break;
        bytes += len;
        i += units;
    }
    return s.left(i);
}

QString trimDotsAndSpaces(QString s)
{
    qsizetype start = 0;
    while (start < s.size() && isTrimmed(s.at(start)))
        ++start;
    qsizetype end = s.size();
    while (end > start && isTrimmed(s.at(end - 1)))
        --end;
    return s.mid(start, end - start);
}

bool taken(const QDir &dir, const QString &name)
{
    // A dangling symlink counts as taken; so does a download in progress under that name.
    const QFileInfo info(dir.filePath(name));
    if (info.exists() || info.isSymLink())
        return true;
    const QFileInfo part(dir.filePath(partFileName(name)));
    return part.exists() || part.isSymLink();
}

} // namespace

QString sanitizeFileName(const QString &proposed)
{
    QString name = proposed;
    const qsizetype slash =
        qMax(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\')));
    if (slash >= 0)
        name = name.mid(slash + 1);

    QString clean;
    clean.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        if (c.isHighSurrogate() && i + 1 < name.size() && name.at(i + 1).isLowSurrogate()) {
            clean.append(c);
            clean.append(name.at(++i));
        } else if (c.isSurrogate()) {
            continue; // a lone surrogate cannot become UTF-8
        } else if (!isUnwanted(c.unicode())) {
            clean.append(c);
        }
    }
    name = trimDotsAndSpaces(clean);

    if (name.toUtf8().size() > kMaxNameBytes) {
        QString ext = extensionOf(name);
        if (ext.toUtf8().size() > kMaxNameBytes / 2)
            ext.clear();
        const QString base = name.left(name.size() - ext.size());
        name = trimDotsAndSpaces(truncateUtf8(base, kMaxNameBytes - ext.toUtf8().size())) + ext;
        name = trimDotsAndSpaces(name);
    }
    if (name.isEmpty())
        return QStringLiteral("download");
    return name;
}

QString fileNameFromUrl(const QUrl &url)
{
    return url.fileName(QUrl::FullyDecoded);
}

QString uniqueFileName(const QString &dir, const QString &name)
{
    const QDir d(dir);
    if (!taken(d, name))
        return name;
    const QString ext = extensionOf(name);
    const QString base = name.left(name.size() - ext.size());
    for (int n = 1; n < 100000; ++n) {
        const QString candidate = QStringLiteral("%1 (%2)%3").arg(base, QString::number(n), ext);
        if (!taken(d, candidate))
            return candidate;
    }
    // 100000 copies: give up on counting and use the clock.
    return QStringLiteral("%1 (%2)%3")
        .arg(base, QString::number(QDateTime::currentMSecsSinceEpoch()), ext);
}

} // namespace bt::http

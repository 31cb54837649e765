#include "DownloadFolders.h"

#include <QDir>
#include <QFileInfo>

namespace bt::rpc {

namespace {

bool hasDotDot(const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('/'));
    return parts.contains(QLatin1String(".."));
}

bool hasControl(const QString &text)
{
    for (const QChar c : text)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    return false;
}

// The path with every link resolved: the deepest part that exists is canonicalized (which
// follows its links), the rest appended as written (it has no "..": checked before).
QString resolvedPath(const QString &absolute)
{
    QString existing = QDir::cleanPath(absolute);
    QString rest;
    while (!QFileInfo::exists(existing)) {
        const qsizetype slash = existing.lastIndexOf(QLatin1Char('/'));
        if (slash <= 0)
            return QDir::cleanPath(absolute);
        rest.prepend(existing.mid(slash));
        existing.truncate(slash);
    }
    const QString canonical = QFileInfo(existing).canonicalFilePath();
    if (canonical.isEmpty())
        return {};
    return QDir::cleanPath(canonical + rest);
}

bool isInside(const QString &path, const QString &root)
{
    return path == root ||
           path.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/'));
}

} // namespace

DownloadFolders::DownloadFolders(const QString &defaultFolder, const QStringList &extraFolders)
    : m_default(QDir::cleanPath(defaultFolder))
{
    for (const QString &folder : QStringList{defaultFolder} + extraFolders) {
        const QString resolved = resolvedPath(QDir::cleanPath(folder));
        if (!resolved.isEmpty() && !m_roots.contains(resolved))
            m_roots.append(resolved);
    }
}

bool DownloadFolders::setDefaultFolder(const QString &folder)
{
    if (!allows(folder))
        return false;
    m_default = QDir::cleanPath(folder);
    return true;
}

bool DownloadFolders::allows(const QString &folder) const
{
    if (!QDir::isAbsolutePath(folder) || hasDotDot(folder))
        return false;
    const QString resolved = resolvedPath(folder);
    if (resolved.isEmpty())
        return false;
    for (const QString &root : m_roots)
        if (isInside(resolved, root))
            return true;
    return false;
}

bool DownloadFolders::resolve(const QString &dir, const QString &out, QString *folder,
                              QString *name, QString *why) const
{
    if (hasControl(dir) || hasControl(out)) {
        *why = QStringLiteral("dir and out may not contain control characters");
        return false;
    }
    if (hasDotDot(dir) || hasDotDot(out)) {
        *why = QStringLiteral("dir and out may not contain '..'");
        return false;
    }
    if (QDir::isAbsolutePath(out)) {
        *why = QStringLiteral("out must be a name or a path relative to dir");
        return false;
    }
    QString base = dir.isEmpty()               ? m_default
                   : QDir::isAbsolutePath(dir) ? dir
                                               : m_default + QLatin1Char('/') + dir;
    QString fileName;
    if (!out.isEmpty()) {
        const QString cleanOut = QDir::cleanPath(out);
        const qsizetype slash = cleanOut.lastIndexOf(QLatin1Char('/'));
        fileName = slash < 0 ? cleanOut : cleanOut.mid(slash + 1);
        if (slash >= 0)
            base += QLatin1Char('/') + cleanOut.left(slash);
        if (fileName.isEmpty() || fileName == QLatin1String(".")) {
            *why = QStringLiteral("out must name a file");
            return false;
        }
    }
    base = QDir::cleanPath(base);
    if (!allows(base)) {
        *why = QStringLiteral("%1 is outside the download folders this daemon allows (%2)")
                   .arg(base, m_roots.join(QStringLiteral(", ")));
        return false;
    }
    // The file itself must not be a link out either (its .part is refused as a link anyway).
    if (!fileName.isEmpty()) {
        const QFileInfo target(base + QLatin1Char('/') + fileName);
        if (target.isSymLink() && !allows(QFileInfo(target.symLinkTarget()).absolutePath())) {
            *why = QStringLiteral("%1 is a link to outside the download folders")
                       .arg(target.filePath());
            return false;
        }
    }
    *folder = base;
    *name = fileName;
    return true;
}

} // namespace bt::rpc

#include "FolderRules.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>

namespace bt::ui {

namespace {
QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}
} // namespace

QList<FolderRule> FolderRule::defaults()
{
    // Folder names follow the XDG user folders (in English: they are on disk, not shown text).
    return {
        {QStringLiteral("video"), words("mp4 mkv avi mov webm wmv flv m4v mpg mpeg 3gp"),
         QStringLiteral("Videos")},
        {QStringLiteral("music"), words("mp3 flac ogg oga opus wav m4a aac wma aiff"),
         QStringLiteral("Music")},
        {QStringLiteral("pictures"), words("jpg jpeg png gif webp bmp svg tif tiff heic avif"),
         QStringLiteral("Pictures")},
        {QStringLiteral("archives"),
         words("zip tar tar.gz tgz tar.bz2 tbz2 tar.xz txz tar.zst gz bz2 xz zst 7z rar"),
         QStringLiteral("Archives")},
        {QStringLiteral("documents"),
         words("pdf doc docx odt rtf txt md xls xlsx ods csv ppt pptx odp epub"),
         QStringLiteral("Documents")},
        {QStringLiteral("programs"),
         words("deb rpm appimage flatpak flatpakref snap run sh exe msi dmg apk"),
         QStringLiteral("Programs")},
    };
}

QString FolderRule::categoryName(const QString &category)
{
    static const char *const names[][2] = {
        {"video", QT_TRANSLATE_NOOP("bt::ui::FolderRule", "Video")},
        {"music", QT_TRANSLATE_NOOP("bt::ui::FolderRule", "Music")},
        {"pictures", QT_TRANSLATE_NOOP("bt::ui::FolderRule", "Pictures")},
        {"archives", QT_TRANSLATE_NOOP("bt::ui::FolderRule", "Archives")},
        {"documents", QT_TRANSLATE_NOOP("bt::ui::FolderRule", "Documents")},
        {"programs", QT_TRANSLATE_NOOP("bt::ui::FolderRule", "Programs")},
    };
    for (const auto &n : names)
        if (category == QLatin1String(n[0]))
            return QCoreApplication::translate("bt::ui::FolderRule", n[1]);
    return category;
}

QStringList FolderRule::parseExtensions(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
    QStringList list;
    for (QString word : text.split(separators, Qt::SkipEmptyParts)) {
        while (word.startsWith(QLatin1Char('.')) || word.startsWith(QLatin1Char('*')))
            word.remove(0, 1);
        word = word.toLower();
        if (!word.isEmpty() && !list.contains(word))
            list.append(word);
    }
    return list;
}

QString FolderRule::extensionsText(const QStringList &extensions)
{
    return extensions.join(QLatin1Char(' '));
}

const FolderRule *ruleFor(const QList<FolderRule> &rules, const QString &fileName)
{
    const QString lower = fileName.toLower();
    const FolderRule *best = nullptr;
    qsizetype bestLength = 0;
    for (const FolderRule &rule : rules) {
        for (const QString &ext : rule.extensions) {
            // The name must have something before the extension (".mp4" alone is hidden).
            if (ext.size() > bestLength && lower.size() > ext.size() + 1 && lower.endsWith(ext) &&
                lower.at(lower.size() - ext.size() - 1) == QLatin1Char('.')) {
                best = &rule;
                bestLength = ext.size();
            }
        }
    }
    return best;
}

QString folderFor(const QList<FolderRule> &rules, const QString &fileName,
                  const QString &baseFolder)
{
    const FolderRule *rule = ruleFor(rules, fileName);
    if (!rule || rule->folder.trimmed().isEmpty())
        return baseFolder;
    return QDir::cleanPath(QDir(baseFolder).filePath(rule->folder.trimmed()));
}

} // namespace bt::ui

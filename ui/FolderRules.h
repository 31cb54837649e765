#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace bt::ui {

// Auto-folder rules: downloads sorted by file type into sub-folders of the download folder
// (video, music, pictures, archives, documents, programs). A rule's folder is relative to the
// folder the download goes to (or absolute).
struct FolderRule
{
    QString category;       // stable key: "video", "music", ...
    QStringList extensions; // lower case, without the dot; "tar.gz" allowed
    QString folder;         // "Videos"

    bool operator==(const FolderRule &) const = default;

    static QList<FolderRule> defaults();
    // The category's name for people ("Video", translated).
    static QString categoryName(const QString &category);
    // "mp4 mkv, .avi" -> {"mp4", "mkv", "avi"}; and back, space-separated.
    static QStringList parseExtensions(const QString &text);
    static QString extensionsText(const QStringList &extensions);
};

// The rule for a file name (the longest matching extension wins: "x.tar.gz" is an archive
// even when "gz" is listed elsewhere); null when none matches or the name is empty.
const FolderRule *ruleFor(const QList<FolderRule> &rules, const QString &fileName);
// Where a file of this name goes from `baseFolder`: the rule's folder, or baseFolder itself.
QString folderFor(const QList<FolderRule> &rules, const QString &fileName,
                  const QString &baseFolder);

} // namespace bt::ui

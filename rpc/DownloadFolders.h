#pragma once

#include <QString>
#include <QStringList>

namespace bt::rpc {

// The folders a remote client may download into: the daemon's download folder (-d) and the
// extra ones given with --rpc-allow-dir. aria2's `dir` and `out` options are resolved against
// them and refused when they would leave them: an absolute path elsewhere, `..`, or a symlink
// (anywhere along the path) that points outside.
class DownloadFolders
{
public:
    DownloadFolders() = default;
    DownloadFolders(const QString &defaultFolder, const QStringList &extraFolders);

    QString defaultFolder() const { return m_default; }
    // aria2.changeGlobalOption's dir: only an allowed folder.
    bool setDefaultFolder(const QString &folder);
    QStringList roots() const { return m_roots; }

    // `dir` (absolute, or relative to the default folder; empty = the default folder) and
    // `out` (a name or a relative path; empty = the server's name) as the folder and the name
    // the download gets. false, with the reason in *why, when it leaves the allowed folders.
    bool resolve(const QString &dir, const QString &out, QString *folder, QString *name,
                 QString *why) const;
    // Whether an absolute folder is one of the allowed ones or inside one, links resolved.
    bool allows(const QString &folder) const;

private:
    QString m_default;
    QStringList m_roots; // canonical
};

} // namespace bt::rpc

#pragma once

#include <QString>

// The pure rules of extraction (no I/O): which files are archives by name or by their first
// bytes, the folder an archive goes into, and which entry names and link targets stay inside
// the target folder.
namespace bt::archivepath {

// "x.tar.gz", "x.tgz", "x.zip", "x.7z", "x.tar.zst", ... (case-insensitive).
bool hasArchiveExtension(const QString &fileName);
// Files that are zip (or ar, cpio, iso) containers but not archives a person extracts:
// documents, packages, disk images ("x.docx", "x.jar", "x.deb", "x.iso", ...).
bool isContainerDocument(const QString &fileName);
// The first bytes of an archive or of a compressed stream (zip, 7z, rar, gzip, bzip2, xz,
// zstd, ustar at 257). `head` should hold at least 262 bytes when the file has them.
bool hasArchiveMagic(const QByteArray &head);
// The name without its archive extensions: "x.tar.gz" -> "x", "x.zip" -> "x"; "archive" when
// nothing is left.
QString stripArchiveExtension(const QString &fileName);

// An entry's name as a clean relative path in *relative ("a/b/c", no "." or empty parts; empty
// when the entry is the root itself, "./"). False (and the reason in *why) when the entry
// would land outside the target: an absolute path or a ".." part.
bool safeRelativePath(const QString &entryName, QString *relative, QString *why);
// True when a symbolic link at `linkPath` (a safe relative path) with this target resolves
// inside the target folder on every file system the extraction can produce: relative, and
// ".." only as leading parts, never more of them than the link's folder is deep. (A ".."
// after a name could climb out through another link: "d/s -> ." then "t -> d/s/s/../..".)
bool symlinkStaysInside(const QString &linkPath, const QString &linkTarget);

} // namespace bt::archivepath

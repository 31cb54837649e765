#pragma once

#include "Error.h"

#include <QMetaType>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <functional>

class QThread;

namespace bt {

// Extracts a downloaded archive (everything libarchive reads: tar with any filter, zip, 7z,
// rar, cpio...) into a new folder beside it, named after the archive without its extensions
// ("x.tar.gz" -> "x", "x (2)" when that exists). Streams entry by entry, block by block: never
// the whole file in memory.
//
// Nothing lands outside the folder. Refused, each with a message naming the entry: absolute
// paths, ".." parts, symbolic links that point out (absolute, or climbing above the folder),
// hard links to anything outside or to a link, and entries that would be written through a
// link extracted before. Device files, fifos and sockets are skipped. libarchive's own guards
// (SECURE_NODOTDOT, SECURE_SYMLINKS) are on as well. Set-id bits are dropped; the umask holds.
//
// start() runs on a thread of its own and reports progress() and one finished(); extract() is
// the same work, blocking, for callers that are on a worker thread already.
class ArchiveExtractor : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        QString archive;       // the archive's path
        QString folder;        // the folder created (empty when none was)
        bool isArchive = true; // false: not an archive (nothing was done, no error)
        int files = 0;         // regular files and hard links written
        int directories = 0;
        int symlinks = 0;
        qint64 bytes = 0;     // bytes of file data written
        QStringList refused;  // "entry: why", for entries that would land outside
        QStringList skipped;  // device files, fifos, sockets
        QStringList warnings; // libarchive's warnings (e.g. times or names it could not set)
        Error error;          // the extraction failed (corrupt archive, disk full, cancelled)

        // Everything was extracted: no error and nothing refused.
        bool ok() const { return isArchive && !error.isError() && refused.isEmpty(); }
    };

    explicit ArchiveExtractor(QObject *parent = nullptr);
    ~ArchiveExtractor() override; // cancels and waits for the thread

    // By name only (no I/O): a known archive extension and not a document container.
    static bool hasArchiveName(const QString &path);
    // By name, else by the first bytes (reads at most 512 bytes). Documents that are zip
    // containers (.docx, .jar, .apk...), packages and disk images are not archives here.
    static bool looksLikeArchive(const QString &path);
    // The new folder's path beside the archive (not created; unique at the time of the call).
    static QString targetFolderFor(const QString &archivePath);

    using ProgressFunction = std::function<void(qint64 done, qint64 total)>;
    // Blocking: checks looksLikeArchive(), creates the unique folder, extracts. `cancel` is
    // polled between blocks; `progress` gets the archive bytes read so far (of its size).
    static Result extract(const QString &archivePath, const std::atomic<bool> *cancel = nullptr,
                          const ProgressFunction &progress = {});
    // Blocking, into an existing (empty) folder.
    static Result extractInto(const QString &archivePath, const QString &folder,
                              const std::atomic<bool> *cancel = nullptr,
                              const ProgressFunction &progress = {});

    // Runs extract() on a thread of its own; false when one is running already.
    bool start(const QString &archivePath);
    void cancel() { m_cancel = true; }
    bool isRunning() const { return m_thread != nullptr; }
    QString archive() const { return m_archive; }

Q_SIGNALS:
    void progress(qint64 done, qint64 total); // at most about 10 a second
    void finished(const bt::ArchiveExtractor::Result &result);

private:
    void finish(const Result &result);

    QThread *m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
    QString m_archive;
};

} // namespace bt

Q_DECLARE_METATYPE(bt::ArchiveExtractor::Result)

#include "archive/ArchiveExtractor.h"

#include "archive/ArchivePaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <memory>
#include <sys/stat.h>

namespace bt {

namespace {

using ReadPtr = std::unique_ptr<archive, decltype(&archive_read_free)>;
using WritePtr = std::unique_ptr<archive, decltype(&archive_write_free)>;

QString archiveMessage(archive *a)
{
    const char *s = archive_error_string(a);
    return s ? QString::fromLocal8Bit(s) : ArchiveExtractor::tr("unknown error");
}

// The first part of `relative` (inside `root`) that is a symbolic link on disk, or empty.
QString linkOnTheWay(const QString &root, const QString &relative)
{
    QString prefix;
    for (const QString &part : relative.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        prefix = prefix.isEmpty() ? part : prefix + QLatin1Char('/') + part;
        struct stat st;
        if (::lstat(QFile::encodeName(root + QLatin1Char('/') + prefix).constData(), &st) != 0)
            return QString(); // does not exist yet: nothing further down exists either
        if (S_ISLNK(st.st_mode))
            return prefix;
    }
    return QString();
}

// One extraction from an opened reader whose first header was read already.
class Extraction
{
    Q_DECLARE_TR_FUNCTIONS(bt::ArchiveExtractor) // its messages are the extractor's
public:
    Extraction(archive *reader, const QString &root, ArchiveExtractor::Result *result,
               const std::atomic<bool> *cancel, const ArchiveExtractor::ProgressFunction &progress,
               qint64 total)
        : m_reader(reader), m_writer(archive_write_disk_new(), &archive_write_free), m_root(root),
          m_result(result), m_cancel(cancel), m_progress(progress), m_total(total)
    {
        // NOABSOLUTEPATHS is checked on the entry names (safeRelativePath): the writer gets
        // absolute paths under the (canonical) folder, which that flag would refuse.
        archive_write_disk_set_options(m_writer.get(), ARCHIVE_EXTRACT_TIME |
                                                           ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                           ARCHIVE_EXTRACT_SECURE_SYMLINKS);
        m_clock.start();
    }

    void run(archive_entry *entry)
    {
        int r = ARCHIVE_OK;
        while (entry && !m_result->error.isError()) {
            if (m_cancel && *m_cancel) {
                m_result->error = {ErrorCode::Cancelled, tr("Extraction cancelled.")};
                break;
            }
            writeEntry(entry);
            reportProgress(false);
            r = archive_read_next_header(m_reader, &entry);
            if (r == ARCHIVE_EOF)
                break;
            if (r == ARCHIVE_WARN) {
                m_result->warnings.append(archiveMessage(m_reader));
            } else if (r != ARCHIVE_OK) {
                m_result->error = {ErrorCode::Integrity,
                                   tr("The archive is damaged: %1").arg(archiveMessage(m_reader))};
            }
        }
        // Directory times and permissions are set at the end (libarchive defers them).
        if (archive_write_close(m_writer.get()) < ARCHIVE_WARN && !m_result->error.isError())
            m_result->error = {ErrorCode::Io, archiveMessage(m_writer.get())};
        reportProgress(true);
    }

private:
    void refuse(const QString &name, const QString &why)
    {
        m_result->refused.append(tr("%1: refused, %2").arg(name, why));
    }

    QString absolute(const QString &relative) const { return m_root + QLatin1Char('/') + relative; }

    void writeEntry(archive_entry *entry)
    {
        // The name in the locale's encoding, else as UTF-8 (names libarchive cannot convert).
        const char *rawName = archive_entry_pathname(entry);
        const char *utf8Name = rawName ? nullptr : archive_entry_pathname_utf8(entry);
        if (!rawName && !utf8Name) {
            m_result->refused.append(tr("An entry without a readable name: refused"));
            return;
        }
        const QString name = rawName ? QFile::decodeName(rawName) : QString::fromUtf8(utf8Name);
        QString relative, why;
        if (!archivepath::safeRelativePath(name, &relative, &why))
            return refuse(name, tr("it would land outside the folder (%1)").arg(why));
        if (relative.isEmpty())
            return; // "./": the folder itself
        const mode_t type = archive_entry_filetype(entry);
        const char *rawHardlink = archive_entry_hardlink(entry);
        if (!rawHardlink &&
            (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK)) {
            m_result->skipped.append(name);
            return;
        }
        const QString link = linkOnTheWay(m_root, relative);
        if (!link.isEmpty())
            return refuse(name, tr("it would be written through the link \"%1\"").arg(link));
        if (type == AE_IFLNK && !rawHardlink) {
            const char *rawTarget = archive_entry_symlink(entry);
            const QString target = rawTarget ? QFile::decodeName(rawTarget) : QString();
            if (!archivepath::symlinkStaysInside(relative, target))
                return refuse(name,
                              tr("a link that points outside the folder (to \"%1\")").arg(target));
        }
        if (rawHardlink) {
            const QString target = QFile::decodeName(rawHardlink);
            QString targetRelative;
            if (!archivepath::safeRelativePath(target, &targetRelative, &why) ||
                targetRelative.isEmpty())
                return refuse(name, tr("a hard link to \"%1\" outside the folder").arg(target));
            if (!linkOnTheWay(m_root, targetRelative).isEmpty())
                return refuse(name, tr("a hard link through a link (\"%1\")").arg(target));
            struct stat st;
            if (::lstat(QFile::encodeName(absolute(targetRelative)).constData(), &st) != 0 ||
                !S_ISREG(st.st_mode))
                return refuse(name, tr("a hard link to \"%1\", which is not a file extracted "
                                       "before")
                                        .arg(target));
            archive_entry_copy_hardlink(entry, QFile::encodeName(absolute(targetRelative)));
        }
        archive_entry_copy_pathname(entry, QFile::encodeName(absolute(relative)));
        // No set-id bits; directories stay writable for their contents (the umask still holds).
        mode_t perm = archive_entry_perm(entry) & 0777;
        if (type == AE_IFDIR)
            perm |= 0700;
        archive_entry_set_perm(entry, perm);

        int r = archive_write_header(m_writer.get(), entry);
        if (r == ARCHIVE_WARN) {
            m_result->warnings.append(tr("%1: %2").arg(name, archiveMessage(m_writer.get())));
        } else if (r == ARCHIVE_FAILED || r == ARCHIVE_RETRY) {
            return refuse(name, archiveMessage(m_writer.get()));
        } else if (r != ARCHIVE_OK) {
            m_result->error = writeError(name);
            return;
        }
        if (type == AE_IFREG && !copyData(name))
            return;
        r = archive_write_finish_entry(m_writer.get());
        if (r < ARCHIVE_WARN && r != ARCHIVE_FAILED) {
            m_result->error = writeError(name);
            return;
        }
        if (r != ARCHIVE_OK)
            m_result->warnings.append(tr("%1: %2").arg(name, archiveMessage(m_writer.get())));
        if (rawHardlink || type == AE_IFREG)
            ++m_result->files;
        else if (type == AE_IFDIR)
            ++m_result->directories;
        else if (type == AE_IFLNK)
            ++m_result->symlinks;
    }

    Error writeError(const QString &name) const
    {
        const int err = archive_errno(m_writer.get());
        const QString what = tr("Cannot extract %1: %2").arg(name, archiveMessage(m_writer.get()));
        if (err > 0) {
            Error e = Error::fromErrno(err, what);
            e.message = what;
            return e;
        }
        return {ErrorCode::Io, what};
    }

    // Block by block (sparse files keep their holes): never the whole entry in memory.
    bool copyData(const QString &name)
    {
        const void *buffer = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        for (;;) {
            const int r = archive_read_data_block(m_reader, &buffer, &size, &offset);
            if (r == ARCHIVE_EOF)
                return true;
            if (r == ARCHIVE_WARN) {
                m_result->warnings.append(tr("%1: %2").arg(name, archiveMessage(m_reader)));
            } else if (r != ARCHIVE_OK) {
                m_result->error = {
                    ErrorCode::Integrity,
                    tr("The archive is damaged at %1: %2").arg(name, archiveMessage(m_reader))};
                return false;
            }
            if (m_cancel && *m_cancel) {
                m_result->error = {ErrorCode::Cancelled, tr("Extraction cancelled.")};
                return false;
            }
            if (size > 0 && archive_write_data_block(m_writer.get(), buffer, size, offset) < 0) {
                m_result->error = writeError(name);
                return false;
            }
            m_result->bytes += qint64(size);
            reportProgress(false);
        }
    }

    void reportProgress(bool last)
    {
        if (!m_progress || (!last && m_clock.elapsed() < 100))
            return;
        m_clock.restart();
        const qint64 done = archive_filter_bytes(m_reader, -1);
        m_progress(last && !m_result->error.isError() ? m_total : qMin(done, m_total), m_total);
    }

    archive *m_reader;
    WritePtr m_writer;
    QString m_root;
    ArchiveExtractor::Result *m_result;
    const std::atomic<bool> *m_cancel;
    ArchiveExtractor::ProgressFunction m_progress;
    qint64 m_total;
    QElapsedTimer m_clock;
};

// Opens the archive and reads its first header (null at the end of an empty archive).
// False when libarchive does not know the format, or the file cannot be read.
bool openArchive(const QString &path, ReadPtr *reader, archive_entry **first, Error *error)
{
    reader->reset(archive_read_new());
    archive *a = reader->get();
    archive_read_support_format_all(a);
    archive_read_support_filter_all(a);
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 64 * 1024) !=
        ARCHIVE_OK) {
        const int err = archive_errno(a);
        // A file that cannot be read is a disk error; anything else is not an archive.
        const bool io =
            err == ENOENT || err == EACCES || err == EPERM || err == EIO || err == EISDIR;
        *error =
            io ? Error::fromErrno(err, path) : Error{ErrorCode::InvalidArgument, archiveMessage(a)};
        error->message =
            ArchiveExtractor::tr("Cannot read the archive %1: %2").arg(path, archiveMessage(a));
        return false;
    }
    const int r = archive_read_next_header(a, first);
    if (r == ARCHIVE_EOF) {
        *first = nullptr;
        return true;
    }
    if (r < ARCHIVE_WARN) {
        *error = {
            ErrorCode::InvalidArgument,
            ArchiveExtractor::tr("Cannot read the archive %1: %2").arg(path, archiveMessage(a))};
        return false;
    }
    return true;
}

ArchiveExtractor::Result run(const QString &archivePath, QString folder,
                             const std::atomic<bool> *cancel,
                             const ArchiveExtractor::ProgressFunction &progress)
{
    ArchiveExtractor::Result result;
    result.archive = archivePath;
    const QFileInfo info(archivePath);
    if (!info.isFile()) {
        result.error = {ErrorCode::NotFound,
                        ArchiveExtractor::tr("No such archive: %1").arg(archivePath)};
        return result;
    }
    const bool create = folder.isEmpty();
    if (create && !ArchiveExtractor::looksLikeArchive(archivePath)) {
        result.isArchive = false;
        return result;
    }
    ReadPtr reader(nullptr, &archive_read_free);
    archive_entry *first = nullptr;
    if (!openArchive(archivePath, &reader, &first, &result.error)) {
        // Compressed, but not an archive inside (a plain .gz): not ours to extract.
        if (create && !ArchiveExtractor::hasArchiveName(archivePath) &&
            result.error.code == ErrorCode::InvalidArgument) {
            result.isArchive = false;
            result.error = {};
        }
        return result;
    }
    if (create) {
        // Unique by creation: mkdir fails when the name exists.
        const QDir parent = info.absoluteDir();
        const QString base = archivepath::stripArchiveExtension(info.fileName());
        for (int n = 1; n < 10000 && folder.isEmpty(); ++n) {
            const QString name = n == 1 ? base : QStringLiteral("%1 (%2)").arg(base).arg(n);
            if (!parent.exists(name) && parent.mkdir(name))
                folder = parent.filePath(name);
        }
        if (folder.isEmpty()) {
            result.error = {ErrorCode::Io,
                            ArchiveExtractor::tr("Cannot create a folder for %1 in %2")
                                .arg(info.fileName(), parent.absolutePath())};
            return result;
        }
    }
    result.folder = folder;
    // Without links in the folder's own path, SECURE_SYMLINKS guards only what is extracted.
    const QString root = QFileInfo(folder).canonicalFilePath();
    if (root.isEmpty() || !QFileInfo(root).isDir()) {
        result.error = {ErrorCode::NotFound,
                        ArchiveExtractor::tr("No such folder: %1").arg(folder)};
        return result;
    }
    Extraction(reader.get(), root, &result, cancel, progress, info.size()).run(first);
    archive_read_close(reader.get());
    return result;
}

} // namespace

ArchiveExtractor::ArchiveExtractor(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<bt::ArchiveExtractor::Result>();
}

ArchiveExtractor::~ArchiveExtractor()
{
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
        delete m_thread;
    }
}

bool ArchiveExtractor::hasArchiveName(const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    return archivepath::hasArchiveExtension(name) && !archivepath::isContainerDocument(name);
}

bool ArchiveExtractor::looksLikeArchive(const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    if (archivepath::isContainerDocument(name))
        return false;
    if (archivepath::hasArchiveExtension(name))
        return true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return archivepath::hasArchiveMagic(file.read(512));
}

QString ArchiveExtractor::targetFolderFor(const QString &archivePath)
{
    const QFileInfo info(archivePath);
    const QDir parent = info.absoluteDir();
    const QString base = archivepath::stripArchiveExtension(info.fileName());
    QString name = base;
    for (int n = 2; parent.exists(name); ++n)
        name = QStringLiteral("%1 (%2)").arg(base).arg(n);
    return parent.filePath(name);
}

ArchiveExtractor::Result ArchiveExtractor::extract(const QString &archivePath,
                                                   const std::atomic<bool> *cancel,
                                                   const ProgressFunction &progress)
{
    return run(archivePath, QString(), cancel, progress);
}

ArchiveExtractor::Result ArchiveExtractor::extractInto(const QString &archivePath,
                                                       const QString &folder,
                                                       const std::atomic<bool> *cancel,
                                                       const ProgressFunction &progress)
{
    if (folder.isEmpty()) {
        Result result;
        result.archive = archivePath;
        result.error = {ErrorCode::InvalidArgument,
                        ArchiveExtractor::tr("No folder to extract into.")};
        return result;
    }
    return run(archivePath, folder, cancel, progress);
}

bool ArchiveExtractor::start(const QString &archivePath)
{
    if (m_thread)
        return false;
    m_cancel = false;
    m_archive = archivePath;
    m_thread = QThread::create([this, archivePath] {
        const Result result = extract(archivePath, &m_cancel, [this](qint64 done, qint64 total) {
            QMetaObject::invokeMethod(
                this, [this, done, total] { Q_EMIT progress(done, total); }, Qt::QueuedConnection);
        });
        QMetaObject::invokeMethod(
            this, [this, result] { finish(result); }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("extract"));
    m_thread->start(QThread::LowPriority);
    return true;
}

void ArchiveExtractor::finish(const Result &result)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    Q_EMIT finished(result);
}

} // namespace bt

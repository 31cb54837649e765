#include "upload/ArchiveStream.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace bt {

namespace {
constexpr qint64 kReadChunk = 256 << 10;
constexpr int kStepsPerRead = 32; // then yield to the event loop (skipping can be long)

qint64 mtimeMsOf(const struct stat &st)
{
    return qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}
} // namespace

struct ArchiveCallbacks
{
    static la_ssize_t write(struct archive *, void *self, const void *buffer, size_t length)
    {
        return la_ssize_t(static_cast<ArchiveStream *>(self)->consume(
            static_cast<const char *>(buffer), qint64(length)));
    }
};

bool ArchiveStream::parseFormat(const QString &text, Format *format)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("tar.gz") || t == QLatin1String("tgz"))
        *format = Format::TarGz;
    else if (t == QLatin1String("tar.zst") || t == QLatin1String("tzst"))
        *format = Format::TarZst;
    else if (t == QLatin1String("zip"))
        *format = Format::Zip;
    else
        return false;
    return true;
}

QString ArchiveStream::extension(Format format)
{
    switch (format) {
    case Format::TarGz:
        return QStringLiteral(".tar.gz");
    case Format::TarZst:
        return QStringLiteral(".tar.zst");
    case Format::Zip:
        return QStringLiteral(".zip");
    }
    return {};
}

QByteArray ArchiveStream::mimeType(Format format)
{
    switch (format) {
    case Format::TarGz:
        return QByteArrayLiteral("application/gzip");
    case Format::TarZst:
        return QByteArrayLiteral("application/zstd");
    case Format::Zip:
        return QByteArrayLiteral("application/zip");
    }
    return {};
}

bool ArchiveStream::list(const QString &folder, Listing *listing, Error *error)
{
    const QFileInfo root(folder);
    if (!root.isDir()) {
        if (error)
            *error = Error{ErrorCode::NotFound, tr("No such folder: %1").arg(folder), 0, -1};
        return false;
    }
    listing->folder = root.absoluteFilePath();
    listing->entries.clear();
    listing->newestMtimeMs = 0;
    listing->fileBytes = 0;
    const QString base = root.fileName().isEmpty() ? QStringLiteral("archive") : root.fileName();
    QStringList paths{listing->folder};
    QDirIterator it(listing->folder,
                    QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories); // does not follow symlinks
    while (it.hasNext())
        paths.append(it.next());
    std::sort(paths.begin(), paths.end());
    for (const QString &path : std::as_const(paths)) {
        struct stat st
        {
        };
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0) {
            if (error)
                *error = Error::fromErrno(errno, path);
            return false;
        }
        Entry e;
        e.absolutePath = path;
        e.relativePath = base + path.mid(listing->folder.size());
        e.mtimeMs = mtimeMsOf(st);
        if (S_ISDIR(st.st_mode)) {
            e.type = Entry::Type::Dir;
        } else if (S_ISLNK(st.st_mode)) {
            e.type = Entry::Type::Symlink;
        } else if (S_ISREG(st.st_mode)) {
            e.type = Entry::Type::File;
            e.size = st.st_size;
            listing->fileBytes += e.size;
        } else {
            continue; // FIFOs, sockets, devices: not archived
        }
        listing->newestMtimeMs = qMax(listing->newestMtimeMs, e.mtimeMs);
        listing->entries.append(e);
    }
    return true;
}

qint64 ArchiveStream::measure(const Listing &listing, Format format, Error *error)
{
    ArchiveStream dry(listing, format, 0, 0, -1);
    if (!dry.start()) {
        if (error)
            *error = dry.m_error;
        return -1;
    }
    while (dry.step()) {
    }
    if (dry.m_error.isError()) {
        if (error)
            *error = dry.m_error;
        return -1;
    }
    return dry.m_produced;
}

ArchiveStream::ArchiveStream(const Listing &listing, Format format, qint64 offset, qint64 length,
                             qint64 expectedTotal, QObject *parent)
    : UploadBody(parent), m_listing(listing), m_format(format), m_offset(offset), m_length(length),
      m_expectedTotal(expectedTotal), m_keepFrom(offset)
{
}

ArchiveStream::~ArchiveStream()
{
    freeArchive();
}

void ArchiveStream::freeArchive()
{
    if (!m_archive)
        return;
    m_discarding = true;
    archive_write_free(m_archive);
    m_archive = nullptr;
    m_discarding = false;
}

bool ArchiveStream::restartAt(qint64 pos)
{
    freeArchive();
    m_file.reset();
    m_fileLeft = 0;
    m_out.clear();
    m_outPos = 0;
    m_produced = 0;
    m_index = 0;
    m_closed = false;
    m_keepFrom = m_offset + pos;
    m_delivered = pos;
    return start();
}

bool ArchiveStream::seek(qint64 pos)
{
    if (pos < 0 || pos > m_length || m_error.isError())
        return false;
    if (pos != m_delivered && !restartAt(pos))
        return false;
    return QIODevice::seek(pos);
}

bool ArchiveStream::open(OpenMode mode)
{
    if ((mode & ReadWrite) != ReadOnly || !start())
        return false;
    return QIODevice::open(mode | Unbuffered);
}

void ArchiveStream::close()
{
    m_file.reset();
    QIODevice::close();
}

bool ArchiveStream::start()
{
    m_archive = archive_write_new();
    int r = ARCHIVE_OK;
    switch (m_format) {
    case Format::TarGz:
        r = archive_write_set_format_pax_restricted(m_archive);
        if (r == ARCHIVE_OK)
            r = archive_write_add_filter_gzip(m_archive);
        if (r == ARCHIVE_OK) // no timestamp in the gzip header: the same bytes every time
            r = archive_write_set_filter_option(m_archive, "gzip", "timestamp", nullptr);
        break;
    case Format::TarZst:
        r = archive_write_set_format_pax_restricted(m_archive);
        if (r == ARCHIVE_OK)
            r = archive_write_add_filter_zstd(m_archive);
        break;
    case Format::Zip:
        r = archive_write_set_format_zip(m_archive);
        break;
    }
    if (r == ARCHIVE_OK)
        r = archive_write_set_bytes_in_last_block(m_archive, 1);
    if (r == ARCHIVE_OK)
        r = archive_write_open2(m_archive, this, nullptr, &ArchiveCallbacks::write, nullptr,
                                nullptr);
    if (r != ARCHIVE_OK) {
        archiveFailed(tr("Cannot start the archive"));
        return false;
    }
    return true;
}

qint64 ArchiveStream::consume(const char *buffer, qint64 length)
{
    if (m_discarding)
        return length;
    const qint64 from = m_produced;
    const qint64 to = m_produced + length;
    m_produced = to;
    if (m_expectedTotal >= 0 && m_produced > m_expectedTotal) {
        sourceFailed(Error{ErrorCode::Io,
                           tr("%1 changed during the upload: its archive grew beyond the "
                              "%2 bytes measured.")
                               .arg(m_listing.folder)
                               .arg(m_expectedTotal),
                           0, -1});
        return -1;
    }
    const qint64 keepFrom = qMax(from, m_keepFrom);
    const qint64 keepTo = qMin(to, m_offset + m_length);
    if (keepTo > keepFrom)
        m_out.append(buffer + (keepFrom - from), keepTo - keepFrom);
    return length;
}

void ArchiveStream::archiveFailed(const QString &what)
{
    if (m_error.isError())
        return;
    const char *text = m_archive ? archive_error_string(m_archive) : nullptr;
    sourceFailed(Error{ErrorCode::Io,
                       QStringLiteral("%1: %2").arg(what, text ? QString::fromLocal8Bit(text)
                                                               : tr("unknown error")),
                       0, -1});
}

void ArchiveStream::sourceFailed(const Error &error)
{
    if (m_error.isError())
        return;
    m_error = error;
    setErrorString(error.message);
    m_file.reset();
}

bool ArchiveStream::beginEntry(const Entry &entry)
{
    struct stat st
    {
    };
    const QByteArray native = QFile::encodeName(entry.absolutePath);
    if (::lstat(native.constData(), &st) != 0) {
        sourceFailed(Error::fromErrno(errno, entry.absolutePath));
        return false;
    }
    const bool sameType = (entry.type == Entry::Type::Dir && S_ISDIR(st.st_mode)) ||
                          (entry.type == Entry::Type::File && S_ISREG(st.st_mode)) ||
                          (entry.type == Entry::Type::Symlink && S_ISLNK(st.st_mode));
    if (!sameType || mtimeMsOf(st) != entry.mtimeMs ||
        (entry.type == Entry::Type::File && st.st_size != entry.size)) {
        sourceFailed(Error{ErrorCode::Io,
                           tr("%1 changed during the upload; the upload was stopped so that "
                              "the server never gets an archive that mixes old and new content.")
                               .arg(entry.absolutePath),
                           0, -1});
        return false;
    }
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, entry.relativePath.toUtf8().constData());
    archive_entry_copy_stat(e, &st);
    // Only what makes the archive: the same bytes when it is built again for a resume.
    archive_entry_unset_atime(e);
    archive_entry_unset_ctime(e);
    archive_entry_unset_birthtime(e);
    if (entry.type == Entry::Type::Symlink) {
        QByteArray target(PATH_MAX, '\0'); // the link as written, not resolved
        const ssize_t n = ::readlink(native.constData(), target.data(), size_t(target.size()));
        target.truncate(qMax<ssize_t>(0, n));
        archive_entry_set_symlink(e, target.constData());
    }
    if (entry.type == Entry::Type::File && entry.size > 0) {
        m_file = std::make_unique<BTFileStream>();
        BTFileStream::Options options;
        options.bufferSize = kReadChunk;
        options.hash = false;
        Error error;
        if (!m_file->open(entry.absolutePath, BTFileStream::Mode::Read, options, &error)) {
            archive_entry_free(e);
            sourceFailed(error);
            return false;
        }
        m_fileLeft = entry.size;
    }
    const int r = archive_write_header(m_archive, e);
    archive_entry_free(e);
    if (r < ARCHIVE_OK) {
        archiveFailed(tr("Cannot add %1 to the archive").arg(entry.relativePath));
        return false;
    }
    if (!m_file)
        archive_write_finish_entry(m_archive);
    return true;
}

bool ArchiveStream::step()
{
    if (m_error.isError() || !m_archive)
        return false;
    if (m_file) {
        const QByteArray chunk = m_file->read(qMin(kReadChunk, m_fileLeft));
        if (chunk.isEmpty()) {
            const Error e = m_file->error();
            sourceFailed(
                e.isError()
                    ? e
                    : Error{ErrorCode::Io,
                            tr("%1 ended early: it changed during the upload.").arg(m_file->path()),
                            0, -1});
            return false;
        }
        if (archive_write_data(m_archive, chunk.constData(), size_t(chunk.size())) < 0) {
            archiveFailed(tr("Cannot write %1 into the archive").arg(m_file->path()));
            return false;
        }
        m_fileLeft -= chunk.size();
        if (m_fileLeft == 0) {
            m_file.reset();
            if (archive_write_finish_entry(m_archive) < ARCHIVE_OK) {
                archiveFailed(tr("Cannot finish an archive entry"));
                return false;
            }
        }
        return !m_error.isError();
    }
    if (m_index < m_listing.entries.size())
        return beginEntry(m_listing.entries.at(m_index++)) && !m_error.isError();
    if (!m_closed) {
        m_closed = true;
        if (archive_write_close(m_archive) != ARCHIVE_OK) {
            archiveFailed(tr("Cannot finish the archive"));
            return false;
        }
        if (m_expectedTotal >= 0 && m_produced != m_expectedTotal) {
            sourceFailed(Error{ErrorCode::Io,
                               tr("%1 changed during the upload: its archive has %2 bytes, "
                                  "%3 were measured.")
                                   .arg(m_listing.folder)
                                   .arg(m_produced)
                                   .arg(m_expectedTotal),
                               0, -1});
            return false;
        }
        return true;
    }
    return false;
}

bool ArchiveStream::atEnd() const
{
    return m_delivered >= m_length || (m_error.isError() && m_outPos >= m_out.size());
}

qint64 ArchiveStream::readData(char *data, qint64 maxSize)
{
    if (m_error.isError())
        return -1;
    // Build until there is output. Only while skipping to a resume offset (possibly a long
    // way) does it yield to the event loop between batches; otherwise a read that returns 0
    // makes the reader (net/CurlReply) pause until readyRead(): a round trip per read.
    int steps = 0;
    while (m_outPos >= m_out.size() && (steps < kStepsPerRead || m_produced >= m_keepFrom)) {
        m_out.clear();
        m_outPos = 0;
        if (!step())
            break;
        ++steps;
    }
    if (m_error.isError())
        return -1;
    const qint64 available = qint64(m_out.size()) - m_outPos;
    if (available <= 0) {
        if (m_delivered >= m_length)
            return -1;
        if (m_closed) {
            sourceFailed(Error{ErrorCode::Io,
                               tr("The archive of %1 ended early.").arg(m_listing.folder), 0, -1});
            return -1;
        }
        // Still building (e.g. skipping to a resume offset): come back from the event loop.
        QTimer::singleShot(0, this, [this] { Q_EMIT readyRead(); });
        return 0;
    }
    const qint64 n = qMin(maxSize, available);
    std::memcpy(data, m_out.constData() + m_outPos, size_t(n));
    m_outPos += n;
    m_delivered += n;
    if (m_outPos >= m_out.size()) {
        m_out.clear();
        m_outPos = 0;
    }
    return n;
}

qint64 ArchiveStream::writeData(const char *, qint64)
{
    return -1;
}

} // namespace bt

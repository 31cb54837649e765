#include "upload/Upload.h"

#include "Background.h"

#include "upload/FileBodyDevice.h"
#include "upload/UploadRequestCodec.h"

#include <QDateTime>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QThread>

// The source side of Upload: checking the file or folder, measuring an archive, the store row
// (new, given by the queue, or the same upload continued) and the request bodies.

namespace bt {

void Upload::measureArchive()
{
    // Content-Length / Upload-Length must be known before the first byte: build the archive
    // once, discarding it, on a helper thread (CPU-bound for compressed formats).
    Q_EMIT message(tr("Measuring the %1 archive of %2 (%3 entries, %4 bytes of files)...")
                       .arg(ArchiveStream::extension(m_archiveFormat).mid(1), m_path)
                       .arg(m_listing.entries.size())
                       .arg(m_listing.fileBytes));
    struct Outcome
    {
        qint64 size = -1;
        Error error;
    };
    runInBackground(
        this,
        [listing = m_listing, format = m_archiveFormat] {
            Outcome outcome;
            outcome.size = ArchiveStream::measure(listing, format, &outcome.error);
            return outcome;
        },
        [this](const Outcome &outcome) {
            if (isFinished())
                return;
            if (outcome.size < 0) {
                fail(outcome.error);
                return;
            }
            m_size = outcome.size;
            continueStart();
        });
}

bool Upload::checkSource()
{
    const QFileInfo info(m_request.sourcePath);
    m_path = info.absoluteFilePath();
    if (m_request.sourcePath.isEmpty() || !info.exists()) {
        fail(Error{ErrorCode::NotFound, tr("No such file: %1").arg(m_request.sourcePath), 0, -1});
        return false;
    }
    if (info.isDir()) {
        // No archive format: file by file, where the protocol can (a tree upload).
        const bool tree = m_request.archiveFormat.isEmpty();
        if (tree && !acceptsFolder()) {
            fail(Error{ErrorCode::InvalidArgument,
                       tr("%1 is a folder: upload it as an archive (tar.gz, tar.zst, zip) or "
                          "file by file.")
                           .arg(m_path),
                       0, -1});
            return false;
        }
        if (!tree && !ArchiveStream::parseFormat(m_request.archiveFormat, &m_archiveFormat)) {
            fail(Error{ErrorCode::InvalidArgument,
                       tr("Unknown archive format \"%1\" (tar.gz, tar.zst or zip).")
                           .arg(m_request.archiveFormat),
                       0, -1});
            return false;
        }
        Error error;
        if (!ArchiveStream::list(m_path, &m_listing, &error)) {
            fail(error);
            return false;
        }
        if (tree) {
            m_tree = true;
            m_size = m_listing.fileBytes;
        } else {
            m_archive = true;
        }
        m_mtimeMs = m_listing.newestMtimeMs;
        return true;
    }
    if (!info.isFile()) { // FIFO, socket, device: no size known in advance, not resumable
        fail(Error{ErrorCode::InvalidArgument,
                   tr("%1 is not a regular file (a pipe, socket or device cannot be uploaded).")
                       .arg(m_path),
                   0, -1});
        return false;
    }
    Error error;
    if (!FileBodyDevice::statFile(m_path, &m_size, &m_mtimeMs, &error)) {
        fail(error);
        return false;
    }
    BTFileStream probe; // readable? (permissions are checked by open(), also as root)
    if (!probe.open(m_path, BTFileStream::Mode::Read, BTFileStream::Options(), &error)) {
        fail(error);
        return false;
    }
    return true;
}

bool Upload::prepareRecord()
{
    const std::optional<TransferRecord> &given = m_given;
    // The person's options (no credentials), then what identifies this source's content.
    m_record = uploadcodec::toRecord(m_request);
    if (given) { // the queue's row: keep its place and its own options
        m_record.id = given->id;
        m_record.added = given->added;
        m_record.position = given->position;
        m_record.priority = given->priority;
        for (auto it = given->options.cbegin(); it != given->options.cend(); ++it) {
            if (!m_record.options.contains(it.key()) &&
                it.key() != QLatin1String("uploadExpires") &&
                it.key() != QLatin1String("doneFiles") && it.key() != QLatin1String("mtimeMs"))
                m_record.options.insert(it.key(), it.value());
        }
    }
    m_record.state = TransferState::Active;
    m_record.destination = m_path;
    m_record.totalSize = m_size;
    m_record.options.insert(QStringLiteral("mtimeMs"), m_mtimeMs);
    saveRecord();
    return true;
}

UploadBody *Upload::openBody(qint64 offset, qint64 length)
{
    if (!m_archive)
        return openFileBody(m_path, offset, length, m_size, m_mtimeMs);
    auto *body = new ArchiveStream(m_listing, m_archiveFormat, offset, length, m_size);
    return openedOrFail(body);
}

UploadBody *Upload::openedOrFail(UploadBody *body)
{
    if (!body->open(QIODevice::ReadOnly)) {
        const Error error = body->sourceError();
        delete body;
        fail(error);
        return nullptr;
    }
    return body;
}

UploadBody *Upload::openFileBody(const QString &path, qint64 offset, qint64 length, qint64 fileSize,
                                 qint64 mtimeMs)
{
    auto *body = new FileBodyDevice(path, offset, length, fileSize, mtimeMs);
    body->setRateLimiters(&m_ownLimiter, m_sharedLimiter.get());
    return openedOrFail(body);
}

std::optional<TransferRecord>
Upload::findPrevious(const std::function<bool(const TransferRecord &)> &usable) const
{
    std::optional<TransferRecord> found = m_given;
    if (!found)
        return found;
    const QString method = uploadMethodName(m_request.method);
    const QString archive =
        m_archive ? ArchiveStream::extension(m_archiveFormat).mid(1) : QString();
    // A changed source starts it afresh.
    const bool sameUpload =
        found->direction == TransferDirection::Upload && found->url == m_request.url &&
        found->destination == m_path && found->totalSize == m_size &&
        found->options.value(QStringLiteral("method")).toString() == method &&
        found->options.contains(QStringLiteral("mtimeMs")) &&
        found->options.value(QStringLiteral("mtimeMs")).toLongLong() == m_mtimeMs &&
        found->options.value(QStringLiteral("archive")).toString() == archive && usable(*found);
    if (!sameUpload)
        found.reset();
    return found;
}

QString Upload::remoteName() const
{
    if (!m_request.remoteName.isEmpty())
        return m_request.remoteName;
    const QString name = QFileInfo(m_path).fileName();
    return m_archive ? name + ArchiveStream::extension(m_archiveFormat) : name;
}

QByteArray Upload::mimeType() const
{
    if (!m_request.mimeType.isEmpty())
        return m_request.mimeType;
    if (m_archive)
        return ArchiveStream::mimeType(m_archiveFormat);
    return QMimeDatabase().mimeTypeForFile(m_path).name().toUtf8();
}

} // namespace bt

// HttpDownload's row: what the row it continues says is already there (also after a kill
// between the rename and the row's update), and handing its state over to the storage in
// the order that keeps the store behind the disk.

#include "PartName.h"
#include "io/BTFileStream.h"
#include "io/PartFile.h"
#include "transfer/DestinationResolver.h"
#include "transfer/HttpDownloadPrivate.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

namespace bt {

bool HttpDownload::Private::openRecord(const std::optional<TransferRecord> &row)
{
    std::optional<TransferRecord> found = row;
    // The state column is the queue's too (asked again, it marks the row Queued/Active, maybe
    // before this reads it); `completed` is set only by a finished run and cleared when one
    // starts over, so it tells a complete row whatever the state says.
    const auto wasCompleted = [](const TransferRecord &r) {
        return r.state == TransferState::Completed || r.completed.isValid();
    };
    if (found && wasCompleted(*found)) {
        const QFileInfo info(found->destination);
        const bool intact =
            !found->destination.isEmpty() && info.isFile() && info.size() == found->totalSize;
        if (intact && request.resume) {
            finishAlreadyComplete(*found);
            return false;
        }
    }
    if (found && request.resume && !wasCompleted(*found) && publishedBeforeKill(*found)) {
        finishAlreadyComplete(*found);
        return false;
    }
    Error error;
    if (found && request.resume && !wasCompleted(*found) && !found->destination.isEmpty() &&
        QFileInfo::exists(partPath(found->destination)) && found->totalSize != 0) {
        record = *found;
        destination = record.destination;
        total = record.totalSize;
        etag = record.etag;
        lastModified = record.lastModified;
        if (record.finalUrl.isValid())
            finalUrl = record.finalUrl;
        rangesOk = true;
        planner.restore(record.segments, total);
        setUpPieces(true);
        if (!openStream(false, &error)) {
            fail(error);
            return false;
        }
        planned = true;
        record.state = TransferState::Active;
        saveRecord();
        return true;
    }
    if (found) {
        // Start this row over: its partial goes, its name may be used again (never a file
        // someone else put there since).
        record = *found;
        if (!record.destination.isEmpty()) {
            if (partFileInUse(partPath(record.destination))) {
                fail(partFileInUseError(partPath(record.destination)));
                return false;
            }
            QFile::remove(partPath(record.destination));
            const QFileInfo info(record.destination);
            const bool ours = !info.exists() || (wasCompleted(record) && info.isFile() &&
                                                 info.size() == record.totalSize);
            if (ours)
                reusable = record.destination;
        }
    } else { // nothing kept for a resume (record.id stays 0)
        record = TransferRecord{};
        record.added = QDateTime::currentDateTimeUtc();
        record.url = request.url;
        record.directory = DestinationResolver::directoryOf(request);
        record.requestedName = request.fileName;
    }
    record.direction = TransferDirection::Download;
    record.state = TransferState::Active;
    record.destination.clear();
    record.finalUrl.clear();
    record.totalSize = -1;
    record.doneSize = 0;
    record.segments.clear();
    record.etag.clear();
    record.lastModified.clear();
    record.sha256.clear();
    record.published.clear();
    record.completed = QDateTime();
    record.errorCode = 0;
    record.lastError.clear();
    if (!request.checksums.isEmpty()) {
        const http::DigestValue &c = request.checksums.first();
        record.expectedChecksum = http::algorithmName(c.algorithm).remove(QLatin1Char('-')) +
                                  QLatin1Char('=') + QString::fromLatin1(c.digest.toHex());
    }
    // A row that has never run (the usual new link) already says all this: no write.
    if (storage && record.id > 0 && (!found || !sameDownloadState(*found, record)))
        storage->saveDownloadState(record);
    return true;
}

// The columns saveDownloadState() writes, apart from the time.
bool HttpDownload::Private::sameDownloadState(const TransferRecord &a, const TransferRecord &b)
{
    return a.finalUrl == b.finalUrl && a.destination == b.destination &&
           a.totalSize == b.totalSize && a.doneSize == b.doneSize && a.etag == b.etag &&
           a.lastModified == b.lastModified && a.segments == b.segments &&
           a.expectedChecksum == b.expectedChecksum && a.sha256 == b.sha256 &&
           a.completed == b.completed && a.published == b.published;
}

void HttpDownload::Private::fillRecord()
{
    record.destination = destination;
    record.finalUrl = finalUrl;
    record.totalSize = total;
    record.etag = etag;
    record.lastModified = lastModified;
    record.segments = planned ? checkpointStates() : QList<SegmentState>{};
    record.doneSize = 0;
    for (const SegmentState &s : std::as_const(record.segments))
        record.doneSize += s.done;
    record.updated = QDateTime::currentDateTimeUtc();
}

void HttpDownload::Private::saveRecord()
{
    if (!storage || record.id <= 0)
        return;
    fillRecord();
    // Only the engine's columns: priority and position belong to the queue.
    storage->saveDownloadState(record);
}

void HttpDownload::Private::persistProgress()
{
    if (!stream || !planned)
        return;
    // Offsets first captured, then the data synced, then the offsets stored: the store never
    // claims a byte that is not on disk.
    const QList<SegmentState> states = checkpointStates();
    if (!stream->sync())
        return; // errorOccurred reports it
    storeProgress(states);
}

void HttpDownload::Private::persistProgressInBackground()
{
    if (!stream || !planned)
        return;
    // As persistProgress(), but the fdatasync runs beside the writer: this thread keeps
    // reading the network meanwhile (a sync of a second's data can take a few 100 ms).
    // Skipped while the previous one still runs.
    const QList<SegmentState> states = checkpointStates();
    stream->syncInBackground([this, states](bool ok) {
        if (ok && !done) // else an error reaches fail() through errorOccurred
            storeProgress(states);
    });
}

void HttpDownload::Private::storeProgress(const QList<SegmentState> &states)
{
    if (!storage || record.id <= 0)
        return;
    qint64 doneSize = 0;
    for (const SegmentState &s : states)
        doneSize += s.done;
    storage->saveProgress(record.id, doneSize, states);
}

// The row's file is in place and complete: finished() at once (the caller tells the person),
// the row saying Completed again if the queue or a kill left it otherwise.
void HttpDownload::Private::finishAlreadyComplete(const TransferRecord &row)
{
    record = row;
    if (record.state != TransferState::Completed) {
        record.setState(TransferState::Completed);
        if (!record.completed.isValid())
            record.completed = QDateTime::currentDateTimeUtc();
        if (storage && record.id > 0) {
            storage->saveDownloadState(record);
            storage->setState(record.id, TransferState::Completed);
        }
    }
    TransferResult result;
    result.id = record.id;
    result.path = record.destination;
    result.size = record.totalSize;
    result.sha256Hex = record.sha256.toLatin1();
    result.alreadyComplete = true;
    finish(result);
}

QString HttpDownload::Private::fileFacts(const QString &path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISREG(st.st_mode))
        return {};
    const qint64 mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return QStringLiteral("%1 %2 %3").arg(qint64(st.st_size)).arg(quint64(st.st_ino)).arg(mtimeNs);
}

// publish() stores the facts of the .part (size, inode, mtime in ns) before the rename: a
// kill between the rename and the row's Completed leaves no .part, and the file in place
// with those facts is this download's (a rename keeps them; anyone writing it changes the
// mtime). Rows from before those facts stored the file's hash instead.
bool HttpDownload::Private::publishedBeforeKill(const TransferRecord &row) const
{
    if (row.destination.isEmpty() || row.totalSize < 0 ||
        QFileInfo::exists(partPath(row.destination)))
        return false;
    const QFileInfo info(row.destination);
    if (!info.isFile() || info.size() != row.totalSize)
        return false;
    if (!row.published.isEmpty())
        return fileFacts(row.destination) == row.published;
    if (row.sha256.isEmpty())
        return false;
    Error error;
    const QByteArray hash =
        BTFileStream::hashFile(row.destination, QCryptographicHash::Sha256, &error);
    return !error.isError() && QString::fromLatin1(hash.toHex()) == row.sha256;
}

} // namespace bt

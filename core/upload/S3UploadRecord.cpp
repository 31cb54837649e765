// S3Upload: what is kept of an upload (the row: its UploadId, part size and confirmed parts)
// and what is shown of it (progress, parts, the stop message). The requests are in S3Upload.cpp.
#include "upload/S3Upload.h"

#include "upload/S3PartRecord.h"

#include <QCoreApplication>
#include <QDir>
#include <QProcessEnvironment>

#include <algorithm>

namespace bt {

bool S3Upload::prepareRecord()
{
    if (isArchive() || isTree()) { // parts are ranges of one file, read twice (Content-MD5)
        fail(Error{ErrorCode::InvalidArgument,
                   tr("%1 is a folder: send its files (btstream put FOLDER s3://BUCKET/PREFIX/).")
                       .arg(m_path),
                   0, -1});
        return false;
    }
    Error error;
    if (!S3Config::resolve(m_request, QProcessEnvironment::systemEnvironment(), QDir::homePath(),
                           &m_config, &error)) {
        fail(error);
        return false;
    }
    s3::splitUrl(m_request.url, &m_bucket, &m_key);
    if (m_key.isEmpty() || m_key.endsWith(QLatin1Char('/')))
        m_key += remoteName();
    m_clock.start();

    const std::optional<TransferRecord> found =
        m_request.resume ? findPrevious([](const TransferRecord &r) {
            return !(r.state == TransferState::Failed && r.uploadUrl.isEmpty());
        })
                         : std::nullopt;
    if (found && found->state == TransferState::Completed) {
        m_record = *found;
        Q_EMIT message(tr("%1 was already uploaded to s3://%2/%3.").arg(m_path, m_bucket, m_key));
        finishComplete(true);
        return false;
    }
    // The multipart upload of the file as it was (changed since, or --no-resume): aborted
    // before a new one begins, so that its parts do not stay stored (and billed).
    if (m_given && (!found || !m_request.resume))
        m_staleUploadId = m_given->options.value(s3::kUploadIdOption).toString();
    if (!found) {
        Upload::prepareRecord();
        forgetUpload();
        m_partSize = s3::choosePartSize(m_size, m_request.partSize);
        saveRecord();
        return true;
    }
    m_record = *found;
    m_record.state = TransferState::Active;
    restoreParts(*found);
    saveRecord();
    return true;
}

void S3Upload::restoreParts(const TransferRecord &record)
{
    m_uploadId = record.options.value(s3::kUploadIdOption).toString();
    m_partSize = record.options.value(s3::kPartSizeOption).toLongLong();
    if (m_uploadId.isEmpty() || m_partSize < s3::kMinPartSize) {
        forgetUpload(); // nothing on the server to continue (a PUT starts over)
        m_partSize = s3::choosePartSize(m_size, m_request.partSize);
        return;
    }
    m_parts = s3::storedParts(record.options, m_size, &m_confirmed);
    const auto kept = std::count_if(m_parts.cbegin(), m_parts.cend(),
                                    [](const s3::Part &p) { return !p.etag.isEmpty(); });
    Q_EMIT message(tr("Resuming the multipart upload %1 of %2: %3 of %4 parts (%5 bytes) are "
                      "on the server.")
                       .arg(m_uploadId, m_path)
                       .arg(qint64(kept))
                       .arg(m_parts.size())
                       .arg(m_confirmed));
}

void S3Upload::forgetUpload()
{
    m_uploadId.clear();
    m_parts.clear();
    m_pending.clear();
    m_confirmed = 0;
    m_record.uploadUrl.clear();
    m_record.options.remove(s3::kUploadIdOption);
    m_record.options.remove(s3::kPartSizeOption);
    m_record.options.remove(s3::kPartsOption);
}

void S3Upload::saveParts()
{
    s3::storeParts(m_record.options, m_parts);
    saveRecord();
}

void S3Upload::describeProgress(TransferProgress &progress) const
{
    int sending = 0;
    QHash<int, qint64> sent;
    for (const Flight &f : m_flights) {
        if (f.part >= 0) {
            ++sending;
            sent.insert(f.part, f.sent);
        }
    }
    progress.connections = sending;
    // The object's address: the queue then keeps the part map for the details view.
    progress.finalUrl = s3::objectUrl(m_config.endpoint, m_config.pathStyle, m_bucket, m_key);
    progress.segments.reserve(m_parts.size());
    progress.parts.reserve(m_parts.size());
    QList<bool> listed(m_parts.size(), false); // in m_pending (one look, not one a part)
    for (int i : m_pending)
        listed[i] = true;
    for (int i = 0; i < m_parts.size(); ++i) {
        const s3::Part &p = m_parts.at(i);
        const bool confirmed = !p.etag.isEmpty();
        progress.segments.append(
            SegmentState{p.offset, p.offset + p.size, confirmed ? p.size : sent.value(i)});
        UploadPart part;
        part.number = p.number;
        part.offset = p.offset;
        part.size = p.size;
        part.sent = confirmed ? p.size : sent.value(i);
        // Neither confirmed, on its way nor waiting in the list: its Content-MD5 is being
        // computed, the first step of sending it.
        const bool hashing = m_preparing > 0 && !listed.at(i);
        part.phase = confirmed                     ? UploadPart::Phase::Confirmed
                     : sent.contains(i) || hashing ? UploadPart::Phase::Sending
                                                   : UploadPart::Phase::Pending;
        progress.parts.append(part);
    }
}

QString S3Upload::stoppedMessage() const
{
    if (m_uploadId.isEmpty())
        return tr("Stopped; a single PUT cannot resume, so the next run sends the file again.");
    return tr("Stopped with %1 of %2 bytes confirmed; run it again to send the missing parts.")
        .arg(m_confirmed)
        .arg(m_size);
}

} // namespace bt

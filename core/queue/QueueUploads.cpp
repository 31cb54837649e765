// QueueManager: adding uploads and holding their credentials (memory only). Uploads share
// everything else with downloads: order, limits (per host too), states, the store's rows.
#include "queue/QueueEntry.h"
#include "queue/QueueManager.h"
#include "queue/QueueStore.h"
#include "upload/UploadRequestCodec.h"

#include <QFileInfo>
#include <utility>

namespace bt {

namespace {
UploadCredentials credentialsOf(const UploadRequest &request)
{
    UploadCredentials c;
    c.user = request.user;
    c.bearerToken = request.bearerToken;
    c.s3AccessKeyId = request.s3AccessKeyId;
    c.s3SecretAccessKey = request.s3SecretAccessKey;
    c.s3SessionToken = request.s3SessionToken;
    for (const auto &h : request.headers)
        if (uploadcodec::isSecretHeader(h.first))
            c.secretHeaders.append(h);
    return c;
}
} // namespace

void QueueManager::setUploadCredentials(qint64 id, const UploadCredentials &credentials)
{
    if (credentials.isEmpty())
        m_uploadCredentials.remove(id);
    else
        m_uploadCredentials.insert(id, credentials);
}

void QueueManager::setUploadCredentialProvider(UploadCredentialProvider provider)
{
    m_credentialProvider = std::move(provider);
    if (m_credentialProvider)
        uploadCredentialsArrived(); // it may know what the one before did not
}

bool QueueManager::uploadCredentialsFor(QueueEntry *e, UploadCredentials *credentials)
{
    const qint64 id = e->record.id;
    *credentials = m_uploadCredentials.value(id);
    if (!credentials->isEmpty() || !m_credentialProvider)
        return true;
    if (const auto provided = m_credentialProvider(e->record)) {
        *credentials = *provided;
        return true;
    }
    // Started now, it would meet a 401: it waits, queued, off the index (no busy loop).
    m_waitingForCredentials.insert(id);
    Q_EMIT message(id, tr("Waiting for the credentials from the keyring."));
    return false;
}

void QueueManager::uploadCredentialsArrived()
{
    const QSet<qint64> waiting = std::exchange(m_waitingForCredentials, {});
    for (qint64 id : waiting) {
        QueueEntry *e = entry(id);
        if (e && !e->job && e->record.state == TransferState::Queued)
            m_index->addQueued(e); // else a command moved it on meanwhile
    }
    if (!waiting.isEmpty()) {
        schedule();
        checkIdleLater();
    }
}

std::optional<TransferRecord> QueueManager::findUpload(const TransferRecord &wanted) const
{
    // What the engine compares too (Upload::findPrevious), as far as the queue knows it without
    // reading the source: the engine checks size and mtime of the row it is given.
    const QString method = wanted.options.value(QStringLiteral("method")).toString();
    const QString archive = wanted.options.value(QStringLiteral("archive")).toString();
    const auto same = [&](const TransferRecord &r) {
        if (r.direction != TransferDirection::Upload || r.url != wanted.url ||
            r.destination != wanted.destination ||
            r.options.value(QStringLiteral("method")).toString() != method ||
            r.options.value(QStringLiteral("archive")).toString() != archive)
            return false;
        // A tus upload that failed before the server had one is not worth continuing.
        return !(method == QLatin1String("tus") && r.state == TransferState::Failed &&
                 r.uploadUrl.isEmpty());
    };
    // The newest row of the same upload wins, as in the engine. A person adds few files and
    // btstream one: a linear look is fine.
    std::optional<TransferRecord> found;
    const auto consider = [&](const TransferRecord &r) {
        if (same(r) && (!found || r.id > found->id))
            found = r;
    };
    for (const QueueEntry *e : std::as_const(m_entries))
        consider(e->record);
    for (const TransferRecord &r : m_storedUploads)
        consider(r);
    return found;
}

QList<qint64> QueueManager::enqueueUploads(const QList<UploadRequest> &requests,
                                           const EnqueueOptions &options, Error *error)
{
    const TransferState initial = initialState(options);
    QList<qint64> ids(requests.size(), 0);
    if (!checkOpen(error))
        return ids;
    QList<TransferRecord> records;
    QList<int> requestIndex; // records[j] comes from requests[requestIndex[j]]
    qint64 position = m_index->nextPosition();
    for (int i = 0; i < requests.size(); ++i) {
        UploadRequest request = requests.at(i);
        request.sourcePath = QFileInfo(request.sourcePath).absoluteFilePath();
        TransferRecord rec = uploadcodec::toRecord(request);
        if (options.reuseExisting) {
            if (const std::optional<TransferRecord> found = findUpload(rec)) {
                QueueEntry *e = entry(found->id);
                // The engine reports "already uploaded" from the row's state: left as stored.
                if (found->state == TransferState::Completed && !m_removing.contains(found->id))
                    m_confirmingComplete.insert(found->id);
                if (!e && !m_removing.contains(found->id)) {
                    // A stored row this queue did not load (btstream): held from now on.
                    TransferRecord stored = *found;
                    stored.setState(initial);
                    stored.priority = options.priority;
                    stored.position = position++;
                    if (!m_confirmingComplete.contains(stored.id))
                        m_store->setState(stored.id, stored.state);
                    m_store->setOrder(stored.id, stored.priority, stored.position);
                    m_storedUploads.removeIf(
                        [&](const TransferRecord &r) { return r.id == stored.id; });
                    e = addEntry(stored);
                    markDirty(e);
                    Q_EMIT added(stored.id);
                } else if (e) {
                    askedAgain(e, options.startPaused);
                }
                if (e) {
                    setUploadCredentials(found->id, credentialsOf(request));
                    ids[i] = found->id;
                    continue;
                }
            }
        }
        rec.state = initial;
        rec.priority = options.priority;
        rec.position = position++;
        records.append(rec);
        requestIndex.append(i);
    }
    m_store->expectIds(int(records.size()));
    for (int j = 0; j < records.size(); ++j) {
        TransferRecord &rec = records[j];
        if (!storeNew(&rec, error))
            break;
        const int i = requestIndex.at(j);
        setUploadCredentials(rec.id, credentialsOf(requests.at(i)));
        QueueEntry *e = addEntry(rec);
        ids[i] = rec.id;
        markDirty(e);
        Q_EMIT added(rec.id);
    }
    workAdded();
    return ids;
}

} // namespace bt

#include "upload/DavTreeUpload.h"

#include "upload/PutUpload.h"
#include "upload/UploadBody.h"

#include <QMimeDatabase>
#include <QNetworkReply>

namespace bt {

namespace {
const QString kDoneKey = QStringLiteral("doneFiles");
using Entry = ArchiveStream::Entry;
} // namespace

DavTreeUpload::DavTreeUpload(const UploadRequest &request, HttpClient *network,
                             ResumeStorage *storage, QObject *parent)
    : Upload(request, network, storage, parent)
{
}

DavTreeUpload::~DavTreeUpload() = default;

QUrl DavTreeUpload::entryUrl(const QUrl &base, const QString &relativePath, bool collection)
{
    QUrl u = base;
    QString path = base.path();
    if (!path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/');
    path += relativePath;
    if (collection && !path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/');
    u.setPath(path, QUrl::DecodedMode); // '%', '#', '?' and spaces in names get encoded
    u.setQuery(QString());
    return u;
}

bool DavTreeUpload::prepareRecord()
{
    if (!m_given || !m_request.resume)
        return Upload::prepareRecord();
    const std::optional<TransferRecord> found =
        findPrevious([](const TransferRecord &) { return true; });
    if (!found)
        return Upload::prepareRecord();
    m_record = *found;
    if (m_record.state == TransferState::Completed) {
        Q_EMIT message(tr("%1 was already uploaded to %2.").arg(m_path, m_request.url.toString()));
        finishComplete(true);
        return false;
    }
    const QStringList done = m_record.options.value(kDoneKey).toStringList();
    m_doneFiles = QSet<QString>(done.begin(), done.end());
    m_confirmed = 0;
    for (const Entry &e : listing().entries)
        if (e.type == Entry::Type::File && m_doneFiles.contains(e.relativePath))
            m_confirmed += e.size;
    m_record.state = TransferState::Active;
    saveRecord();
    if (!m_doneFiles.isEmpty())
        Q_EMIT message(tr("Resuming the upload of %1: %2 files (%3 bytes) are already on the "
                          "server.")
                           .arg(m_path)
                           .arg(m_doneFiles.size())
                           .arg(m_confirmed));
    return true;
}

void DavTreeUpload::begin()
{
    m_base = m_request.url;
    m_index = 0;
    next();
}

void DavTreeUpload::next()
{
    const QList<Entry> &entries = listing().entries;
    while (m_index < entries.size()) {
        const Entry &e = entries.at(m_index);
        if (e.type == Entry::Type::Dir) {
            ++m_index;
            m_collections.append(entryUrl(m_base, e.relativePath, true));
            mkcolNext();
            return;
        }
        if (e.type == Entry::Type::Symlink) {
            if (!m_toldLinks)
                Q_EMIT message(
                    tr("Symbolic links are not uploaded to WebDAV (%1, ...).").arg(e.relativePath));
            m_toldLinks = true;
            ++m_index;
            continue;
        }
        if (m_doneFiles.contains(e.relativePath)) {
            ++m_index;
            continue;
        }
        putFile(m_index);
        return;
    }
    finishComplete();
}

void DavTreeUpload::mkcolNext()
{
    if (m_collections.isEmpty()) {
        next();
        return;
    }
    const QUrl url = m_collections.first();
    send("MKCOL", buildRequest(url), [this, url](QNetworkReply *reply) {
        const Error error = replyError(reply, nullptr);
        // 405: it exists already (RFC 4918 9.3.1), which is what we want.
        if (!error.isError() || error.httpStatus == 405) {
            m_collections.removeFirst();
            mkcolNext();
            return;
        }
        if (error.httpStatus == 409 && !m_triedParents) { // the target's parents are missing
            m_triedParents = true;
            m_collections = PutUpload::parentCollections(url) + m_collections;
            mkcolNext();
            return;
        }
        if (error.isTransient()) {
            retryLater(error, tr("creating the folder again"), [this] { mkcolNext(); });
            return;
        }
        fail(Error{error.code,
                   tr("Could not create the folder %1: %2").arg(url.toString(), error.message),
                   error.httpStatus, -1});
    });
}

void DavTreeUpload::putFile(int index)
{
    const Entry e = listing().entries.at(index);
    UploadBody *body = openFileBody(e.absolutePath, 0, e.size, e.size, e.mtimeMs);
    if (!body)
        return;
    const QUrl url = entryUrl(m_base, e.relativePath, false);
    QNetworkRequest r = buildRequest(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader,
                QMimeDatabase().mimeTypeForFile(e.absolutePath).name().toUtf8());
    send("PUT", r, body, [this, body, e, index](QNetworkReply *reply) {
        const Error error = replyError(reply, body);
        if (!error.isError()) {
            m_doneFiles.insert(e.relativePath);
            m_confirmed += e.size;
            m_inFlightSent = 0;
            m_record.options.insert(kDoneKey, QStringList(m_doneFiles.begin(), m_doneFiles.end()));
            saveRecord();
            m_retry.progressMade();
            m_index = index + 1;
            next();
            return;
        }
        retryLater(error,
                   tr("a PUT cannot resume: sending %1 again from its start").arg(e.relativePath),
                   [this, index] { putFile(index); });
    });
}

QString DavTreeUpload::stoppedMessage() const
{
    return tr("Stopped with %1 files on the server; run it again to send the others.")
        .arg(m_doneFiles.size());
}

} // namespace bt

#include "upload/RemoteFileUpload.h"

#include "net/RemoteFileProtocol.h"
#include "upload/UploadBody.h"

#include <QNetworkReply>

namespace bt {

RemoteFileUpload::RemoteFileUpload(const UploadRequest &request, HttpClient *network,
                                   ResumeStorage *storage, QObject *parent)
    : Upload(request, network, storage, parent)
{
}

RemoteFileUpload::~RemoteFileUpload() = default;

QUrl RemoteFileUpload::targetUrl(const QUrl &url, const QString &name)
{
    QUrl target = url;
    if (target.path().isEmpty())
        target.setPath(QLatin1Char('/') + name);
    else if (target.path().endsWith(QLatin1Char('/')))
        target.setPath(target.path() + name);
    return target;
}

QUrl RemoteFileUpload::partUrl(const QUrl &target)
{
    QUrl part = target;
    part.setPath(target.path() + QStringLiteral(".part"));
    return part;
}

Error RemoteFileUpload::checkUrl() const
{
    // A folder URL is completed with the file's name at begin(); checked with a stand-in.
    const QString why =
        RemoteFileProtocol::checkUploadUrl(targetUrl(m_request.url, QStringLiteral("file")));
    if (why.isEmpty())
        return {};
    return Error{ErrorCode::InvalidArgument, why, 0, -1};
}

bool RemoteFileUpload::prepareRecord()
{
    if (isTree()) {
        fail(Error{ErrorCode::InvalidArgument,
                   tr("%1 is a folder: send its files to a folder URL ending in '/' "
                      "(btstream put FOLDER ftp://host/dir/), or one archive (--archive).")
                       .arg(m_path),
                   0, -1});
        return false;
    }
    const std::optional<TransferRecord> found =
        m_request.resume ? findPrevious([](const TransferRecord &) { return true; }) : std::nullopt;
    if (!found)
        return Upload::prepareRecord();
    m_record = *found;
    if (m_record.state == TransferState::Completed) {
        Q_EMIT message(tr("%1 was already uploaded to %2.")
                           .arg(m_path, targetUrl(m_request.url, remoteName()).toString()));
        finishComplete(true);
        return false;
    }
    m_continues = true;
    m_record.state = TransferState::Active;
    saveRecord();
    return true;
}

void RemoteFileUpload::begin()
{
    m_target = targetUrl(m_request.url, remoteName());
    m_part = partUrl(m_target);
    if (const QString why = RemoteFileProtocol::checkUploadUrl(m_target); !why.isEmpty()) {
        fail(Error{ErrorCode::InvalidArgument, why, 0, -1});
        return;
    }
    if (m_continues)
        askSize();
    else
        sendFrom(0);
}

void RemoteFileUpload::askSize()
{
    setPhase(TransferPhase::Connecting);
    send("HEAD", buildRequest(m_part), [this](QNetworkReply *reply) {
        const Error error = replyError(reply, nullptr);
        // No NAME.part (or not even its folder yet): nothing to continue.
        const bool absent = reply->error() == QNetworkReply::ContentNotFoundError ||
                            reply->error() == QNetworkReply::ContentAccessDenied;
        if (error.isError() && !absent) { // a refused login is final: fail() at once
            retryLater(error, tr("asking for the size again"), [this] { askSize(); });
            return;
        }
        bool known = false;
        const qint64 there = absent ? 0 : reply->rawHeader("Content-Length").toLongLong(&known);
        if (absent || !known || there <= 0) {
            sendFrom(0);
            return;
        }
        if (there > m_size) {
            Q_EMIT message(tr("%1 has %2 bytes, more than the %3 of %4: sending it again.")
                               .arg(m_part.toString())
                               .arg(there)
                               .arg(m_size)
                               .arg(m_path));
            sendFrom(0);
            return;
        }
        Q_EMIT message(tr("Resuming the upload of %1 at byte %2 of %3 (the server has that "
                          "much of %4).")
                           .arg(m_path)
                           .arg(there)
                           .arg(m_size)
                           .arg(m_part.fileName()));
        sendFrom(there);
    });
}

void RemoteFileUpload::sendFrom(qint64 offset)
{
    m_confirmed = offset;
    UploadBody *body = openBody(offset, m_size - offset);
    if (!body)
        return;
    // The body's bytes count from here on: a cut resumes from the server's size again.
    m_continues = true;
    CurlReply::RemoteUpload remote;
    remote.append = offset > 0; // the rest only: the first bytes are on the server
    remote.postQuote = RemoteFileProtocol::renameCommands(m_part, m_target);
    send("PUT", buildRequest(m_part), body, remote, [this, body](QNetworkReply *reply) {
        const Error error = replyError(reply, body);
        if (!error.isError()) {
            finishComplete();
            return;
        }
        retryLater(error, tr("continuing from the server's size"), [this] { askSize(); });
    });
}

QString RemoteFileUpload::stoppedMessage() const
{
    return tr("Stopped; the next run continues from what the server has of %1.")
        .arg(m_part.fileName());
}

} // namespace bt

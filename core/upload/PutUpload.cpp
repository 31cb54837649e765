#include "upload/PutUpload.h"

#include "upload/FileBodyDevice.h"

#include <QNetworkReply>

namespace bt {

PutUpload::PutUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                     QObject *parent)
    : Upload(request, network, storage, parent)
{
}

PutUpload::~PutUpload() = default;

QList<QUrl> PutUpload::parentCollections(const QUrl &url)
{
    QList<QUrl> out;
    const QString path = url.path(QUrl::FullyEncoded);
    QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (!parts.isEmpty())
        parts.removeLast(); // the file itself
    QString prefix = QStringLiteral("/");
    for (const QString &part : std::as_const(parts)) {
        prefix += part + QLatin1Char('/');
        QUrl u = url;
        u.setPath(prefix, QUrl::TolerantMode);
        u.setQuery(QString());
        u.setFragment(QString());
        out.append(u);
    }
    return out;
}

void PutUpload::begin()
{
    // A URL naming a collection ("…/backups/") gets the file's (or archive's) name.
    m_target = m_request.url;
    if (m_target.path().endsWith(QLatin1Char('/')))
        m_target.setPath(m_target.path() + remoteName());
    put();
}

void PutUpload::put()
{
    m_confirmed = 0;
    UploadBody *body = openBody(0, m_size);
    if (!body)
        return;
    QNetworkRequest r = buildRequest(m_target);
    const QByteArray type = mimeType();
    r.setHeader(QNetworkRequest::ContentTypeHeader, type);
    send("PUT", r, body, [this, body](QNetworkReply *reply) {
        const Error error = replyError(reply, body);
        if (!error.isError()) {
            finishComplete();
            return;
        }
        // RFC 4918 says 409 for a missing parent; nginx's dav module answers 500.
        const bool noParent = error.httpStatus == 409 || error.httpStatus == 500;
        if (noParent && m_request.createParents && !m_triedParents &&
            !parentCollections(m_target).isEmpty()) {
            m_triedParents = true;
            m_collections = parentCollections(m_target);
            Q_EMIT message(tr("The server may have no folder for %1 (HTTP %2); creating the "
                              "folders with MKCOL.")
                               .arg(m_target.toString())
                               .arg(error.httpStatus));
            mkcolNext();
            return;
        }
        retryLater(error, tr("a PUT cannot resume: sending the whole file again"),
                   [this] { put(); });
    });
}

void PutUpload::mkcolNext()
{
    if (m_collections.isEmpty()) {
        put();
        return;
    }
    const QUrl url = m_collections.takeFirst();
    send("MKCOL", buildRequest(url), [this, url](QNetworkReply *reply) {
        const Error error = replyError(reply, nullptr);
        // 405: the collection exists already (RFC 4918 9.3.1), which is what we want.
        if (!error.isError() || error.httpStatus == 405) {
            mkcolNext();
            return;
        }
        if (error.isTransient()) {
            m_collections.prepend(url);
            retryLater(error, tr("creating the folder again"), [this] { mkcolNext(); });
            return;
        }
        fail(Error{error.code,
                   tr("Could not create the folder %1: %2").arg(url.toString(), error.message),
                   error.httpStatus, -1});
    });
}

QString PutUpload::stoppedMessage() const
{
    return tr("Stopped; a PUT cannot resume, so the next run sends the whole file again.");
}

} // namespace bt

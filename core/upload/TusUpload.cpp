#include "upload/TusUpload.h"

#include "http/Origin.h"
#include "io/BTFileStream.h"
#include "io/Sha256.h"
#include "upload/FileBodyDevice.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QFileInfo>
#include <QNetworkReply>

namespace bt {

namespace {
constexpr qint64 kChecksumChunk = 32 << 20;
constexpr int kMaxRecreations = 3;
const QString kExpiresKey = QStringLiteral("uploadExpires");

int statusOf(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}
} // namespace

TusUpload::TusUpload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                     QObject *parent)
    : Upload(request, network, storage, parent)
{
}

TusUpload::~TusUpload() = default;

QNetworkRequest TusUpload::tusRequest(const QUrl &url) const
{
    QNetworkRequest r = buildRequest(url);
    r.setRawHeader("Tus-Resumable", tus::kVersion);
    return r;
}

bool TusUpload::prepareRecord()
{
    if (!m_given || !m_request.resume)
        return Upload::prepareRecord();
    // A cancelled or failed attempt without a server-side upload is not worth continuing.
    const std::optional<TransferRecord> found = findPrevious([](const TransferRecord &r) {
        return !(r.state == TransferState::Failed && r.uploadUrl.isEmpty());
    });
    if (!found)
        return Upload::prepareRecord();
    m_record = *found;
    if (m_record.state == TransferState::Completed) {
        m_uploadUrl = QUrl(m_record.uploadUrl);
        Q_EMIT message(tr("%1 was already uploaded to %2.").arg(m_path, m_record.uploadUrl));
        finishComplete(true);
        return false;
    }
    m_uploadUrl = QUrl(m_record.uploadUrl);
    m_confirmed = m_uploadUrl.isValid() ? m_record.doneSize : 0;
    m_record.state = TransferState::Active;
    saveRecord();
    if (m_uploadUrl.isValid())
        Q_EMIT message(tr("Resuming the upload of %1 at %2 (%3 bytes acknowledged so far).")
                           .arg(m_path, m_uploadUrl.toString())
                           .arg(m_confirmed));
    return true;
}

void TusUpload::begin()
{
    discover();
}

void TusUpload::discover()
{
    send("OPTIONS", tusRequest(m_request.url), [this](QNetworkReply *reply) {
        const Error error = replyError(reply, nullptr);
        if (error.isError()) {
            if (error.isTransient()) {
                retryLater(error, tr("asking the server again"), [this] { discover(); });
                return;
            }
            if (error.httpStatus == 401 || error.httpStatus == 403) {
                fail(error);
                return;
            }
            Q_EMIT message(tr("The server did not describe itself (%1); trying tus 1.0 anyway.")
                               .arg(error.message));
            m_info = {};
        } else {
            m_info = tus::parseServerInfo(
                reply->rawHeader("Tus-Version"), reply->rawHeader("Tus-Extension"),
                reply->rawHeader("Tus-Max-Size"), reply->rawHeader("Tus-Checksum-Algorithm"));
        }
        afterDiscovery();
    });
}

void TusUpload::afterDiscovery()
{
    if (!m_info.supportsVersion()) {
        fail(Error{
            ErrorCode::HttpPermanent,
            tr("The server speaks tus %1, not %2.")
                .arg(QString::fromLatin1(m_info.versions.join(", ")), QLatin1String(tus::kVersion)),
            0, -1});
        return;
    }
    if (m_info.maxSize >= 0 && m_size > m_info.maxSize) {
        fail(Error{ErrorCode::HttpPermanent,
                   tr("The server accepts files of at most %1 bytes; %2 has %3 bytes.")
                       .arg(m_info.maxSize)
                       .arg(m_path)
                       .arg(m_size),
                   413, -1});
        return;
    }
    chooseChecksum();
    if (!m_uploadUrl.isValid()) {
        create();
        return;
    }
    const QDateTime expires =
        QDateTime::fromString(m_record.options.value(kExpiresKey).toString(), Qt::ISODate);
    if (expires.isValid() && expires < QDateTime::currentDateTimeUtc()) {
        startOver(tr("The server's upload expired at %1.").arg(expires.toString(Qt::ISODate)));
        return;
    }
    head();
}

bool TusUpload::chooseChecksum()
{
    m_checksumAlgorithm.clear();
    if (m_info.has("checksum") && !isArchive()) { // an archive cannot be hashed ahead cheaply
        for (const char *algorithm : {"sha1", "sha256", "md5"}) {
            if (m_info.checksumAlgorithms.contains(algorithm)) {
                m_checksumAlgorithm = algorithm;
                break;
            }
        }
    }
    m_chunkSize = m_request.chunkSize > 0          ? m_request.chunkSize
                  : !m_checksumAlgorithm.isEmpty() ? kChecksumChunk
                                                   : 0;
    return !m_checksumAlgorithm.isEmpty();
}

void TusUpload::create()
{
    if (m_info.known && !m_info.has("creation")) {
        fail(Error{ErrorCode::HttpPermanent,
                   tr("The tus server at %1 does not let clients create uploads.")
                       .arg(m_request.url.toString()),
                   0, -1});
        return;
    }
    QNetworkRequest r = tusRequest(m_request.url);
    r.setRawHeader("Upload-Length", QByteArray::number(m_size));
    const QString name = remoteName();
    const QByteArray type = mimeType();
    r.setRawHeader("Upload-Metadata",
                   tus::encodeMetadata({{"filename", name.toUtf8()}, {"filetype", type}}));
    auto *empty = new QBuffer; // Content-Length: 0
    empty->open(QIODevice::ReadOnly);
    send("POST", r, empty, [this](QNetworkReply *reply) {
        const Error error = replyError(reply, nullptr);
        if (error.isError()) {
            if (error.isTransient())
                retryLater(error, tr("creating the upload again"), [this] { create(); });
            else
                fail(error);
            return;
        }
        const QByteArray location = reply->rawHeader("Location").trimmed();
        if (statusOf(reply) != 201 || location.isEmpty()) {
            fail(Error{ErrorCode::Protocol,
                       tr("The tus server answered the creation with HTTP %1 and no upload URL.")
                           .arg(statusOf(reply)),
                       statusOf(reply), -1});
            return;
        }
        m_uploadUrl = reply->url().resolved(QUrl::fromEncoded(location));
        // Stored at once: a restart or kill -9 from here on resumes this upload.
        m_record.uploadUrl = m_uploadUrl.toString(QUrl::FullyEncoded);
        m_confirmed = 0;
        readExpires(reply);
        saveRecord();
        Q_EMIT message(tr("Created the upload %1.").arg(m_record.uploadUrl));
        if (!http::sameOrigin(m_uploadUrl, m_request.url))
            Q_EMIT message(tr("The upload is at another origin than %1: it is sent there "
                              "without the credentials and cookies given for %1.")
                               .arg(m_request.url.adjusted(QUrl::RemovePath).toString()));
        if (m_size == 0)
            finishComplete();
        else
            patch();
    });
}

void TusUpload::head()
{
    QNetworkRequest r = tusRequest(m_uploadUrl);
    send("HEAD", r, [this](QNetworkReply *reply) {
        const int status = statusOf(reply);
        if (status == 404 || status == 410 || status == 403) {
            startOver(tr("The server no longer has the upload (HTTP %1).").arg(status));
            return;
        }
        Error error = replyError(reply, nullptr);
        if (status == 423) // locked: the server still holds the cut request; it lets go
            error.code = ErrorCode::HttpTransient;
        if (error.isError()) {
            if (error.isTransient())
                retryLater(error, tr("asking for the offset again"), [this] { head(); });
            else
                fail(error);
            return;
        }
        const qint64 offset = tus::parseOffset(reply->rawHeader("Upload-Offset").trimmed());
        const QByteArray lengthHeader = reply->rawHeader("Upload-Length").trimmed();
        const qint64 length = tus::parseOffset(lengthHeader);
        if (offset < 0 || offset > m_size || (!lengthHeader.isEmpty() && length != m_size)) {
            startOver(tr("The server's upload does not match this file (offset %1, length %2).")
                          .arg(offset)
                          .arg(QString::fromLatin1(lengthHeader)));
            return;
        }
        readExpires(reply);
        if (offset != m_confirmed)
            Q_EMIT message(tr("The server has %1 of %2 bytes; continuing from there.")
                               .arg(offset)
                               .arg(m_size));
        setOffset(offset);
        saveRecord();
        if (offset == m_size)
            finishComplete();
        else
            patch();
    });
}

void TusUpload::patch()
{
    const qint64 offset = m_confirmed;
    const qint64 remaining = m_size - offset;
    const qint64 length = m_chunkSize > 0 ? qMin(m_chunkSize, remaining) : remaining;
    QNetworkRequest r = tusRequest(m_uploadUrl);
    r.setHeader(QNetworkRequest::ContentTypeHeader,
                QByteArrayLiteral("application/offset+octet-stream"));
    r.setRawHeader("Upload-Offset", QByteArray::number(offset));
    if (!m_checksumAlgorithm.isEmpty()) {
        const QByteArray digest = hashRange(offset, length);
        if (digest.isEmpty())
            return; // fail() was called
        r.setRawHeader("Upload-Checksum", tus::checksumHeader(m_checksumAlgorithm, digest));
    }
    UploadBody *body = openBody(offset, length);
    if (!body)
        return;
    send("PATCH", r, body,
         [this, body, offset](QNetworkReply *reply) { onPatched(reply, body, offset); });
}

void TusUpload::onPatched(QNetworkReply *reply, UploadBody *body, qint64 offset)
{
    const int status = statusOf(reply);
    Error error = replyError(reply, body);
    if (body->sourceError().isError()) {
        // The source changed: the server's partial copy is of no use to anyone.
        const Error fileError = body->sourceError();
        terminate([this, fileError] {
            m_record.uploadUrl.clear();
            fail(fileError);
        });
        return;
    }
    if (status == 404 || status == 410) {
        startOver(tr("The server no longer has the upload (HTTP %1).").arg(status));
        return;
    }
    if (status == 423) // locked by the server's copy of a cut request: wait, then ask
        error.code = ErrorCode::HttpTransient;
    if (status == 409 || status == 460) {
        error.code = ErrorCode::Protocol; // transient: ask for the offset and send again
        error.message = status == 409 ? tr("The server's offset differs from ours (HTTP 409)")
                                      : tr("The server found a checksum mismatch (HTTP 460)");
    }
    if (error.isError()) {
        if (error.isTransient())
            retryLater(error, tr("resuming from the server's offset"), [this] { head(); });
        else
            fail(error);
        return;
    }
    const qint64 newOffset = tus::parseOffset(reply->rawHeader("Upload-Offset").trimmed());
    if (newOffset < offset || newOffset > m_size) {
        retryLater(Error{ErrorCode::Protocol,
                         tr("The server answered PATCH with an invalid Upload-Offset \"%1\"")
                             .arg(QString::fromLatin1(reply->rawHeader("Upload-Offset"))),
                         status, -1},
                   tr("asking for the offset"), [this] { head(); });
        return;
    }
    readExpires(reply);
    setOffset(newOffset);
    saveRecord();
    if (newOffset == m_size)
        finishComplete();
    else
        patch();
}

void TusUpload::startOver(const QString &reason)
{
    if (++m_recreated > kMaxRecreations) {
        fail(Error{ErrorCode::Protocol,
                   tr("%1 The server lost the upload %2 times; giving up.")
                       .arg(reason)
                       .arg(kMaxRecreations),
                   0, -1});
        return;
    }
    Q_EMIT message(tr("%1 Creating a new upload and sending from the start.").arg(reason));
    m_uploadUrl.clear();
    m_record.uploadUrl.clear();
    m_record.options.remove(kExpiresKey);
    m_confirmed = 0;
    m_inFlightSent = 0;
    saveRecord();
    create();
}

void TusUpload::setOffset(qint64 offset)
{
    if (offset > m_confirmed)
        m_retry.progressMade();
    m_confirmed = offset;
    m_inFlightSent = 0;
}

void TusUpload::readExpires(QNetworkReply *reply)
{
    const QDateTime expires = tus::parseExpires(reply->rawHeader("Upload-Expires"));
    if (expires.isValid())
        m_record.options.insert(kExpiresKey, expires.toString(Qt::ISODate));
}

QByteArray TusUpload::hashRange(qint64 offset, qint64 length)
{
    BTFileStream stream;
    Error error;
    if (!stream.open(m_path, BTFileStream::Mode::Read, BTFileStream::Options(), &error)) {
        fail(error);
        return {};
    }
    stream.seek(offset);
    const bool sha256 = m_checksumAlgorithm == "sha256";
    Sha256 fast;
    QCryptographicHash hash(m_checksumAlgorithm == "md5" ? QCryptographicHash::Md5
                                                         : QCryptographicHash::Sha1);
    qint64 left = length;
    while (left > 0) {
        const QByteArray chunk = stream.read(qMin<qint64>(left, 1 << 20));
        if (chunk.isEmpty()) {
            fail(
                stream.error().isError()
                    ? stream.error()
                    : Error{ErrorCode::Io, tr("%1 changed during the upload.").arg(m_path), 0, -1});
            return {};
        }
        if (sha256)
            fast.addData(chunk);
        else
            hash.addData(chunk);
        left -= chunk.size();
    }
    return sha256 ? fast.result() : hash.result();
}

void TusUpload::terminate(std::function<void()> done)
{
    if (!m_uploadUrl.isValid() || !m_request.terminateOnCancel ||
        (m_info.known && !m_info.has("termination"))) {
        done();
        return;
    }
    send("DELETE", tusRequest(m_uploadUrl), [this, done](QNetworkReply *reply) {
        const Error error = replyError(reply, nullptr);
        if (error.isError())
            Q_EMIT message(
                tr("Could not remove the upload from the server: %1").arg(error.message));
        else
            Q_EMIT message(
                tr("Removed the upload %1 from the server.").arg(m_uploadUrl.toString()));
        m_uploadUrl.clear();
        done();
    });
}

QString TusUpload::stoppedMessage() const
{
    return tr("Stopped at %1 of %2 bytes; run it again to continue where the server is.")
        .arg(m_confirmed)
        .arg(m_size);
}

} // namespace bt

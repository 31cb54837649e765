#include "upload/S3Upload.h"

#include "Background.h"
#include "net/HttpClient.h"
#include "transfer/ResponseInfo.h"
#include "upload/FileBodyDevice.h"
#include "upload/S3PartRecord.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QNetworkReply>
#include <QTimer>
#include <QVariantList>

#include <algorithm>
#include <unistd.h>

namespace bt {

namespace {
constexpr int kMaxRestarts = 2;
// What is kept of an answer: S3's answers are short XML documents (a ListParts page of
// 1,000 parts is about 250 KiB).
constexpr qint64 kMaxAnswer = 1 << 20;
const QByteArray kUnsignedPayload = QByteArrayLiteral("UNSIGNED-PAYLOAD");

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

int statusOf(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

struct Digest
{
    QByteArray md5;
    Error error;
};

// The MD5 of a range of the file, read with pread in 1 MiB steps (bounded memory); the file
// must still have the size and mtime the upload began with.
Digest md5OfRange(const QString &path, qint64 offset, qint64 size, qint64 fileSize, qint64 mtimeMs)
{
    Digest d;
    qint64 nowSize = -1;
    qint64 nowMtime = -1;
    if (!FileBodyDevice::statFile(path, &nowSize, &nowMtime, &d.error))
        return d;
    if (nowSize != fileSize || nowMtime != mtimeMs) {
        d.error = Error{
            ErrorCode::Io,
            QCoreApplication::translate("bt::S3Upload", "%1 changed during the upload.").arg(path),
            0, -1};
        return d;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        d.error = Error{ErrorCode::Io, file.errorString(), 0, -1};
        return d;
    }
    QCryptographicHash hash(QCryptographicHash::Md5);
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 done = 0;
    while (done < size) {
        const ssize_t n =
            ::pread(file.handle(), buffer.data(), size_t(qMin<qint64>(buffer.size(), size - done)),
                    off_t(offset + done));
        if (n <= 0) {
            d.error =
                Error{ErrorCode::Io,
                      QCoreApplication::translate("bt::S3Upload", "Could not read %1 at byte %2.")
                          .arg(path)
                          .arg(offset + done),
                      0, -1};
            return d;
        }
        hash.addData(QByteArrayView(buffer.constData(), n));
        done += n;
    }
    d.md5 = hash.result();
    return d;
}
} // namespace

S3Upload::S3Upload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                   QObject *parent)
    : Upload(request, network, storage, parent), m_stallWatch(new QTimer(this))
{
    m_stallWatch->setInterval(qBound(100, request.stallTimeoutSec * 1000 / 4, 1000));
    connect(m_stallWatch, &QTimer::timeout, this, &S3Upload::checkStalls);
}

S3Upload::~S3Upload()
{
    stopOtherRequests();
}

Error S3Upload::checkUrl() const
{
    QString bucket;
    QString key;
    if (!s3::splitUrl(m_request.url, &bucket, &key))
        return Error{ErrorCode::InvalidArgument,
                     tr("Not an S3 address (s3://BUCKET/KEY): %1").arg(m_request.url.toString()), 0,
                     -1};
    return {};
}

QUrl S3Upload::uploadUrl(const QString &uploadId) const
{
    return s3::objectUrl(m_config.endpoint, m_config.pathStyle, m_bucket, m_key,
                         s3::uploadIdQuery(uploadId));
}

void S3Upload::begin()
{
    m_stallWatch->start();
    if (!m_staleUploadId.isEmpty()) {
        const QString stale = std::exchange(m_staleUploadId, QString());
        Q_EMIT message(tr("%1 changed since its upload began (or --no-resume): aborting that "
                          "upload and starting a new one.")
                           .arg(m_path));
        abortUpload(stale, [this] { begin(); });
        return;
    }
    if (m_size <= m_partSize) {
        putObject();
        return;
    }
    if (m_uploadId.isEmpty())
        create();
    else
        listParts(0);
}

void S3Upload::request(const QByteArray &verb, const QByteArray &query, QIODevice *body,
                       const QByteArray &payloadHash, QList<QPair<QByteArray, QByteArray>> headers,
                       int part, Done done)
{
    QNetworkRequest r =
        buildRequest(s3::objectUrl(m_config.endpoint, m_config.pathStyle, m_bucket, m_key, query));
    // A redirect from S3 names another region or endpoint: reported, not followed (the
    // signature is for this one).
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setRawHeader("x-amz-content-sha256", payloadHash);
    if (!m_config.sessionToken.isEmpty())
        r.setRawHeader("x-amz-security-token", m_config.sessionToken);
    for (const auto &h : std::as_const(headers))
        r.setRawHeader(h.first, h.second);
    CurlReply::Options o = options(kMaxAnswer);
    o.awsSigV4 = "aws:amz:" + m_config.region.toLatin1() + ":s3";
    o.user = m_config.accessKeyId;
    o.password = m_config.secretAccessKey;
    if (body && qobject_cast<UploadBody *>(body))
        setPhase(TransferPhase::Transferring);
    QNetworkReply *reply = m_network->send(verb, r, body, o, this);
    if (body)
        body->setParent(reply);
    Flight flight;
    flight.part = part;
    flight.lastActivityMs = m_clock.elapsed();
    m_flights.insert(reply, flight);
    connect(reply, &QNetworkReply::uploadProgress, this, [this, reply](qint64 sent, qint64) {
        const auto it = m_flights.find(reply);
        if (it == m_flights.end())
            return;
        if (sent > it->sent)
            it->lastActivityMs = m_clock.elapsed();
        if (it->part >= 0) // a resend (curl seeks back) counts down again
            m_inFlightSent += sent - it->sent;
        it->sent = sent;
    });
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply](qint64, qint64) {
        const auto it = m_flights.find(reply);
        if (it != m_flights.end())
            it->lastActivityMs = m_clock.elapsed();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, done, body] {
        const auto it = m_flights.find(reply);
        if (it == m_flights.end())
            return; // stopped
        const Flight f = *it;
        m_flights.erase(it);
        if (f.part >= 0)
            m_inFlightSent -= f.sent;
        reply->deleteLater();
        const QByteArray answer = reply->readAll();
        done(reply, answer, s3Error(reply, answer, f, qobject_cast<UploadBody *>(body)));
    });
}

Error S3Upload::s3Error(QNetworkReply *reply, const QByteArray &answer, const Flight &flight,
                        const UploadBody *body) const
{
    if (body && body->sourceError().isError())
        return body->sourceError();
    if (flight.stalled)
        return Error{ErrorCode::Timeout,
                     tr("Nothing was sent or received for %1 s; the connection was cut.")
                         .arg(m_request.stallTimeoutSec),
                     0, -1};
    const ResponseInfo info = ResponseInfo::fromReply(reply);
    if (info.status == 0)
        return replyError(reply, body);
    const s3::ErrorInfo s3 = s3::parseError(answer);
    if (info.status >= 200 && info.status < 300 && !s3.isError())
        return {};
    Error e = info.statusError(m_request.maxRetryAfterMs);
    if (info.status < 300) // 200 with an <Error>: CompleteMultipartUpload failed late
        e = Error{s3.code == QLatin1String("InternalError") || s3.code == QLatin1String("SlowDown")
                      ? ErrorCode::HttpTransient
                      : ErrorCode::HttpPermanent,
                  QStringLiteral("HTTP %1").arg(info.status), info.status, -1};
    if (s3.isError())
        e.message += QStringLiteral(" %1: %2").arg(s3.code, s3.message);
    const QString where = QStringLiteral("s3://%1/%2").arg(m_bucket, m_key);
    if (s3.code == QLatin1String("SignatureDoesNotMatch"))
        e.message += tr(" Check the secret access key of %1 (from %2).")
                         .arg(QString::fromLatin1(m_config.accessKeyId), m_config.credentialSource);
    else if (s3.code == QLatin1String("InvalidAccessKeyId"))
        e.message += tr(" The server does not know the access key %1 (from %2).")
                         .arg(QString::fromLatin1(m_config.accessKeyId), m_config.credentialSource);
    else if (s3.code == QLatin1String("NoSuchBucket"))
        e.message = tr("HTTP %1: the bucket %2 does not exist at %3.")
                        .arg(info.status)
                        .arg(m_bucket, m_config.endpoint.toString());
    else if (info.status == 301 || info.status == 307 ||
             s3.code == QLatin1String("AuthorizationHeaderMalformed"))
        e.message += tr(" The bucket may be in another region than %1: give it with --region.")
                         .arg(m_config.region);
    else if (info.status == 403 && !s3.isError())
        e.message += tr(": the server does not allow this upload to %1.").arg(where);
    return e;
}

void S3Upload::checkStalls()
{
    if (m_request.stallTimeoutSec <= 0)
        return;
    const qint64 now = m_clock.elapsed();
    for (auto it = m_flights.begin(); it != m_flights.end(); ++it) {
        if (!it->stalled && now - it->lastActivityMs >= qint64(m_request.stallTimeoutSec) * 1000) {
            it->stalled = true;
            QNetworkReply *reply = it.key();
            // From the event loop: abort() finishes the reply at once, which edits m_flights.
            QMetaObject::invokeMethod(reply, &QNetworkReply::abort, Qt::QueuedConnection);
        }
    }
}

void S3Upload::stopOtherRequests()
{
    m_stallWatch->stop();
    const QList<QNetworkReply *> replies = m_flights.keys();
    m_flights.clear();
    m_inFlightSent = 0;
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void S3Upload::hashRange(qint64 offset, qint64 size, std::function<void(const QByteArray &)> then)
{
    runInBackground(
        this,
        [path = m_path, offset, size, fileSize = m_size, mtime = m_mtimeMs] {
            return md5OfRange(path, offset, size, fileSize, mtime);
        },
        [this, then = std::move(then)](const Digest &digest) {
            if (isFinished())
                return;
            if (digest.error.isError()) {
                fail(digest.error);
                return;
            }
            then(digest.md5);
        });
}

// ---- one PUT

void S3Upload::putObject()
{
    m_confirmed = 0;
    hashRange(0, m_size, [this](const QByteArray &md5) {
        UploadBody *body = openBody(0, m_size);
        if (!body)
            return;
        request("PUT", {}, body, kUnsignedPayload,
                {{"Content-Type", mimeType()}, {"Content-MD5", md5.toBase64()}}, -1,
                [this](QNetworkReply *, const QByteArray &, const Error &error) {
                    if (!error.isError()) {
                        finishComplete();
                        return;
                    }
                    retryLater(error, tr("sending the whole file again"), [this] { putObject(); });
                });
    });
}

// ---- multipart

void S3Upload::create()
{
    request("POST", "uploads=", nullptr, sha256Hex({}), {{"Content-Type", mimeType()}}, -1,
            [this](QNetworkReply *, const QByteArray &answer, const Error &error) {
                if (error.isError()) {
                    retryLater(error, tr("creating the upload again"), [this] { create(); });
                    return;
                }
                const QString id = s3::parseUploadId(answer);
                if (id.isEmpty()) {
                    fail(Error{ErrorCode::Protocol,
                               tr("The server answered CreateMultipartUpload without an "
                                  "UploadId."),
                               0, -1});
                    return;
                }
                m_uploadId = id;
                m_parts = s3::planParts(m_size, m_partSize);
                m_confirmed = 0;
                // Stored at once: a restart or kill -9 from here on continues this upload.
                m_record.uploadUrl = uploadUrl(id).toString(QUrl::FullyEncoded);
                m_record.options.insert(s3::kUploadIdOption, id);
                m_record.options.insert(s3::kPartSizeOption, m_partSize);
                m_record.options.remove(s3::kPartsOption);
                saveRecord();
                Q_EMIT message(tr("Created the multipart upload %1 of s3://%2/%3: %4 parts of "
                                  "%5 bytes, %6 at once.")
                                   .arg(id, m_bucket, m_key)
                                   .arg(m_parts.size())
                                   .arg(m_partSize)
                                   .arg(qMax(1, m_request.parallelParts)));
                fill();
            });
}

void S3Upload::listParts(int marker)
{
    QByteArray query = "max-parts=1000";
    if (marker > 0)
        query += "&part-number-marker=" + QByteArray::number(marker);
    query += '&' + s3::uploadIdQuery(m_uploadId);
    request(
        "GET", query, nullptr, sha256Hex({}), {}, -1,
        [this](QNetworkReply *reply, const QByteArray &answer, const Error &error) {
            const int status = statusOf(reply);
            const s3::ErrorInfo s3 = s3::parseError(answer);
            if (status == 404 && s3.code == QLatin1String("NoSuchUpload")) {
                startOver(tr("The server no longer has the upload %1.").arg(m_uploadId));
                return;
            }
            if (error.isError()) {
                if (error.isTransient()) {
                    retryLater(error, tr("asking for the parts again"), [this] { listParts(0); });
                    return;
                }
                // Not offered (s3rver: MethodNotAllowed, some gateways: 501): the parts
                // stored as they were confirmed are what the server has.
                Q_EMIT message(tr("The server does not list the parts (%1); continuing "
                                  "from the %2 bytes confirmed before.")
                                   .arg(error.message)
                                   .arg(m_confirmed));
                fill();
                return;
            }
            bool truncated = false;
            int next = 0;
            m_listed.append(s3::parseListParts(answer, &truncated, &next));
            if (truncated && next > 0) {
                listParts(next);
                return;
            }
            // The server's list is the truth: a part it has of the planned size counts
            // (parts are stored whole or not at all), one it lacks is sent again.
            m_confirmed = 0;
            for (s3::Part &p : m_parts)
                p.etag.clear();
            for (const s3::Part &l : std::as_const(m_listed)) {
                const int index = l.number - 1;
                if (index < 0 || index >= m_parts.size() || m_parts.at(index).size != l.size ||
                    l.etag.isEmpty() || !m_parts.at(index).etag.isEmpty())
                    continue;
                m_parts[index].etag = l.etag;
                m_confirmed += l.size;
            }
            m_listed.clear();
            Q_EMIT message(
                tr("The server lists %1 bytes of the upload; sending the rest.").arg(m_confirmed));
            saveParts();
            fill();
        });
}

void S3Upload::fill()
{
    if (isFinished() || m_waiting)
        return;
    if (m_pending.isEmpty() && m_flights.isEmpty() && m_preparing == 0) {
        // Every part not yet confirmed goes back to the list (first call, or after a retry).
        for (int i = 0; i < m_parts.size(); ++i)
            if (m_parts.at(i).etag.isEmpty())
                m_pending.append(i);
        if (m_pending.isEmpty()) {
            complete();
            return;
        }
    }
    const int parallel = qMax(1, m_request.parallelParts);
    while (!m_pending.isEmpty() && m_flights.size() + m_preparing < parallel) {
        const int index = m_pending.takeFirst();
        ++m_preparing;
        const s3::Part &p = m_parts.at(index);
        hashRange(p.offset, p.size,
                  [this, index, generation = m_generation](const QByteArray &md5) {
                      if (generation != m_generation)
                          return; // the upload started over meanwhile
                      --m_preparing;
                      sendPart(index, md5);
                  });
    }
}

void S3Upload::sendPart(int index, const QByteArray &md5)
{
    const s3::Part &p = m_parts.at(index);
    UploadBody *body = openFileBody(m_path, p.offset, p.size, m_size, m_mtimeMs);
    if (!body)
        return;
    request("PUT", s3::partQuery(p.number, m_uploadId), body, kUnsignedPayload,
            {{"Content-MD5", md5.toBase64()}}, index,
            [this, index, body](QNetworkReply *reply, const QByteArray &, const Error &error) {
                onPart(index, reply, error, body);
            });
}

void S3Upload::onPart(int index, QNetworkReply *reply, const Error &error, UploadBody *body)
{
    s3::Part &part = m_parts[index];
    if (body->sourceError().isError()) {
        const Error fileError = body->sourceError();
        // The parts sent so far are of a file that is no more: of no use to anyone.
        stopOtherRequests();
        abortUpload(m_uploadId, [this, fileError] {
            forgetUpload();
            fail(fileError);
        });
        return;
    }
    if (error.isError()) {
        if (error.httpStatus == 404 && error.message.contains(QLatin1String("NoSuchUpload"))) {
            startOver(tr("The server no longer has the upload %1.").arg(m_uploadId));
            return;
        }
        m_pending.prepend(index);
        if (!error.isTransient()) {
            fail(error);
            return;
        }
        if (!m_waiting) {
            m_waiting = retryLater(error, tr("sending part %1 again").arg(part.number), [this] {
                m_waiting = false;
                setPhase(TransferPhase::Transferring);
                fill();
            });
        }
        return;
    }
    const QByteArray etag = reply->rawHeader("ETag").trimmed();
    if (etag.isEmpty()) {
        fail(Error{ErrorCode::Protocol,
                   tr("The server confirmed part %1 without an ETag.").arg(part.number), 0, -1});
        return;
    }
    part.etag = etag;
    m_confirmed += part.size;
    m_retry.progressMade();
    saveParts();
    fill();
}

void S3Upload::complete()
{
    const QByteArray xml = s3::completeBody(m_parts);
    auto *body = new QBuffer;
    body->setData(xml);
    body->open(QIODevice::ReadOnly);
    setPhase(TransferPhase::Publishing);
    request(
        "POST", s3::uploadIdQuery(m_uploadId), body, sha256Hex(xml),
        {{"Content-Type", "application/xml"}}, -1,
        [this](QNetworkReply *, const QByteArray &, const Error &error) {
            if (error.isError()) {
                if (error.httpStatus == 404 &&
                    error.message.contains(QLatin1String("NoSuchUpload"))) {
                    startOver(tr("The server no longer has the upload %1.").arg(m_uploadId));
                    return;
                }
                retryLater(error, tr("completing the upload again"), [this] { complete(); });
                return;
            }
            Q_EMIT message(
                tr("Completed s3://%1/%2 from %3 parts.").arg(m_bucket, m_key).arg(m_parts.size()));
            // Nothing left to continue or to abort; the confirmed parts stay in the row (and
            // in the last progress) for the details view.
            m_uploadId.clear();
            m_record.uploadUrl.clear();
            m_record.options.remove(s3::kUploadIdOption);
            finishComplete();
        });
}

void S3Upload::startOver(const QString &reason)
{
    if (++m_restarts > kMaxRestarts) {
        fail(Error{ErrorCode::Protocol,
                   tr("%1 It lost the upload %2 times; giving up.").arg(reason).arg(kMaxRestarts),
                   0, -1});
        return;
    }
    Q_EMIT message(tr("%1 Starting a new upload.").arg(reason));
    stopOtherRequests();
    m_stallWatch->start();
    forgetUpload();
    m_preparing = 0;
    ++m_generation;
    saveRecord();
    create();
}

void S3Upload::abortUpload(const QString &uploadId, std::function<void()> then)
{
    if (uploadId.isEmpty()) {
        then();
        return;
    }
    request("DELETE", s3::uploadIdQuery(uploadId), nullptr, sha256Hex({}), {}, -1,
            [this, uploadId, then](QNetworkReply *reply, const QByteArray &, const Error &error) {
                if (!error.isError() || statusOf(reply) == 404)
                    Q_EMIT message(tr("Aborted the multipart upload %1.").arg(uploadId));
                else
                    Q_EMIT message(tr("Could not abort the multipart upload %1 (%2); its parts "
                                      "stay on the server until a lifecycle rule removes them.")
                                       .arg(uploadId, error.message));
                then();
            });
}

void S3Upload::terminate(std::function<void()> done)
{
    const QString id = m_uploadId;
    abortUpload(id, [this, done] {
        forgetUpload();
        done();
    });
}

} // namespace bt

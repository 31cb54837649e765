#include "upload/Upload.h"
#include "transfer/ResumeStorage.h"

#include "net/HttpClient.h"
#include "transfer/NetworkSetup.h"
#include "transfer/ResponseInfo.h"
#include "upload/DavTreeUpload.h"
#include "upload/FileBodyDevice.h"
#include "upload/PostUpload.h"
#include "upload/PutUpload.h"
#include "upload/RemoteFileUpload.h"
#include "upload/S3Upload.h"
#include "upload/TusUpload.h"
#include "upload/UploadRequestCodec.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>

namespace bt {

namespace {
// What is kept of an answer's body: upload answers are short (error texts, tus and WebDAV
// headers-only answers); a server sending more is not read into memory.
constexpr qint64 kMaxAnswer = 1 << 20;
} // namespace

Upload *Upload::create(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
                       QObject *parent)
{
    switch (request.method) {
    case UploadRequest::Method::Put:
        // A folder without an archive format: its tree, MKCOL and one PUT a file (WebDAV).
        if (request.archiveFormat.isEmpty() && QFileInfo(request.sourcePath).isDir())
            return new DavTreeUpload(request, network, storage, parent);
        return new PutUpload(request, network, storage, parent);
    case UploadRequest::Method::Post:
        return new PostUpload(request, network, storage, parent);
    case UploadRequest::Method::S3:
        return new S3Upload(request, network, storage, parent);
    case UploadRequest::Method::Ftp:
        return new RemoteFileUpload(request, network, storage, parent);
    case UploadRequest::Method::Tus:
        break;
    }
    return new TusUpload(request, network, storage, parent);
}

Upload::Upload(const UploadRequest &request, HttpClient *network, ResumeStorage *storage,
               QObject *parent)
    : Transfer(request.recordId, parent), m_request(request), m_network(network),
      m_storage(storage), m_retry(http::RetryPolicy::Settings{qMax(0, request.retries),
                                                              qMax<qint64>(0, request.retryDelayMs),
                                                              60000, request.maxRetryAfterMs}),
      m_ownLimiter(request.rateLimit), m_progressTimer(new QTimer(this)),
      m_stallTimer(new QTimer(this)), m_retryTimer(new QTimer(this))
{
    m_progressTimer->setInterval(250);
    m_stallTimer->setInterval(qBound(100, request.stallTimeoutSec * 1000 / 4, 1000));
    m_retryTimer->setSingleShot(true);
    connect(m_progressTimer, &QTimer::timeout, this, &Upload::emitProgress);
    connect(m_stallTimer, &QTimer::timeout, this, &Upload::checkStall);
}

Upload::~Upload()
{
    // Destroyed while running: keep its resume state (no result: nobody is left to hear it).
    if (phase() != TransferPhase::Waiting && !isFinished()) {
        stopRequests();
        saveRecord();
    }
}

void Upload::setSharedRateLimiter(std::shared_ptr<RateLimiter> limiter)
{
    m_sharedLimiter = std::move(limiter);
}

void Upload::startTransfer()
{
    m_clock.start();
    if (const Error bad = checkUrl(); bad.isError()) {
        fail(bad);
        return;
    }
    if (!checkSource())
        return;
    if (m_archive)
        measureArchive();
    else
        continueStart();
}

void Upload::continueStart()
{
    if (m_storage && m_request.recordId > 0 && !m_given) {
        // The row as the store has it after everything handed over before (the queue's).
        m_storage->load(m_request.recordId, this, [this](const std::optional<TransferRecord> &row) {
            if (isFinished())
                return; // stopped meanwhile
            if (!row) {
                fail(Error{
                    ErrorCode::Store,
                    tr("There is no transfer %1 in the transfer database.").arg(m_request.recordId),
                    0, -1});
                return;
            }
            m_given = row;
            continueStart();
        });
        return;
    }
    if (!prepareRecord())
        return;
    m_progressTimer->start();
    begin();
}

Error Upload::checkUrl() const
{
    return NetworkSetup::checkHttpUrl(m_request.url);
}

QNetworkRequest Upload::buildRequest(const QUrl &url) const
{
    QNetworkRequest r(url);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                   QNetworkRequest::NoLessSafeRedirectPolicy);
    r.setMaximumRedirectsAllowed(20);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    r.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // The body streams from the file; never let Qt copy it into memory first.
    r.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
    r.setRawHeader("User-Agent", NetworkSetup::userAgent());
    r.setRawHeader("Accept-Encoding", "identity");
    NetworkSetup::setCredentials(&r, m_request.url, authorization(), m_request.headers);
    NetworkSetup::applyTls(&r, m_request.insecure, m_request.caCertFile);
    return r;
}

QByteArray Upload::authorization() const
{
    if (m_request.user.isEmpty() && !m_request.bearerToken.isEmpty())
        return "Bearer " + m_request.bearerToken.toUtf8();
    return NetworkSetup::basicAuthorization(m_request.user);
}

QNetworkReply *Upload::send(const QByteArray &verb, const QNetworkRequest &request, QIODevice *body,
                            std::function<void(QNetworkReply *)> onDone)
{
    if (auto *stream = qobject_cast<UploadBody *>(body)) {
        setPhase(TransferPhase::Transferring);
        // The body of a file (PATCH, PUT) streams from the file (net/CurlReply.h). libcurl
        // follows its redirects and drops the credentials on another origin.
        return track(curlReply(verb, request, stream, options(kMaxAnswer)), body,
                     std::move(onDone));
    }
    return sendHopByHop(verb, request, body, 0, std::move(onDone));
}

// A redirect must not take the credentials to another origin: the requests without a file body
// (OPTIONS, HEAD, the tus creation POST, DELETE, MKCOL) follow their redirects here, hop by hop, by
// the origin rule. A 307/308 keeps the method; a 301/302/303 is followed only by HEAD and OPTIONS
// (a POST would become a GET).
QNetworkReply *Upload::sendHopByHop(const QByteArray &verb, QNetworkRequest request,
                                    QIODevice *body, int hops,
                                    std::function<void(QNetworkReply *)> onDone)
{
    constexpr int kMaxRedirects = 20;
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    const bool hadBody = body != nullptr;
    QNetworkReply *reply = m_network->send(verb, request, body, options(kMaxAnswer), this);
    auto follow = [this, verb, hops, hadBody, onDone = std::move(onDone)](QNetworkReply *reply) {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray location = reply->rawHeader("Location").trimmed();
        const bool keepsMethod = status == 307 || status == 308 ||
                                 ((status == 301 || status == 302 || status == 303) &&
                                  (verb == "HEAD" || verb == "OPTIONS"));
        if (!keepsMethod || location.isEmpty()) {
            onDone(reply);
            return;
        }
        const NetworkSetup::RedirectRules rules{m_request.url,        authorization(),
                                                m_request.headers,    m_request.insecure,
                                                m_request.caCertFile, kMaxRedirects};
        QNetworkRequest next;
        if (const Error error = NetworkSetup::nextHop(reply, hops + 1, rules, &next);
            error.isError()) {
            fail(error);
            return;
        }
        QIODevice *again = nullptr;
        if (hadBody) { // the only Qt-sent bodies are empty ones
            auto *empty = new QBuffer;
            empty->open(QIODevice::ReadOnly);
            again = empty;
        }
        sendHopByHop(verb, next, again, hops + 1, onDone);
    };
    return track(reply, body, std::move(follow));
}

QNetworkReply *Upload::send(const QByteArray &verb, const QNetworkRequest &request,
                            UploadBody *body, const CurlReply::Form &form,
                            std::function<void(QNetworkReply *)> onDone)
{
    setPhase(TransferPhase::Transferring);
    CurlReply::Options o = options(kMaxAnswer);
    o.form = form;
    return track(curlReply(verb, request, body, o), body, std::move(onDone));
}

QNetworkReply *Upload::send(const QByteArray &verb, const QNetworkRequest &request,
                            UploadBody *body, const CurlReply::RemoteUpload &remote,
                            std::function<void(QNetworkReply *)> onDone)
{
    setPhase(TransferPhase::Transferring);
    CurlReply::Options o = options(kMaxAnswer);
    o.remoteUpload = remote;
    return track(curlReply(verb, request, body, o), body, std::move(onDone));
}

QNetworkReply *Upload::curlReply(const QByteArray &verb, const QNetworkRequest &request,
                                 UploadBody *body, const CurlReply::Options &options)
{
    return m_network->send(verb, request, body, options, this);
}

QNetworkReply *Upload::send(const QByteArray &verb, const QNetworkRequest &request,
                            std::function<void(QNetworkReply *)> onDone)
{
    return send(verb, request, static_cast<QIODevice *>(nullptr), std::move(onDone));
}

CurlReply::Options Upload::options(qint64 keepAnswer) const
{
    CurlReply::Options o;
    o.insecure = m_request.insecure;
    o.caFile = m_request.caCertFile;
    o.keepAnswer = keepAnswer;
    return o;
}

QNetworkReply *Upload::track(QNetworkReply *reply, QObject *body,
                             std::function<void(QNetworkReply *)> onDone)
{
    Q_ASSERT(!m_reply);
    m_inFlightSent = 0;
    m_stalled = false;
    m_lastActivityMs = m_clock.elapsed();
    if (body)
        body->setParent(reply);
    m_reply = reply;
    connect(reply, &QNetworkReply::uploadProgress, this, [this, reply](qint64 sent, qint64) {
        if (reply != m_reply)
            return;
        if (sent > m_inFlightSent)
            m_lastActivityMs = m_clock.elapsed();
        m_inFlightSent = sent;
    });
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply](qint64, qint64) {
        if (reply == m_reply)
            m_lastActivityMs = m_clock.elapsed();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, onDone] {
        if (reply != m_reply)
            return; // aborted by stop()
        m_reply = nullptr;
        m_stallTimer->stop();
        reply->deleteLater();
        onDone(reply);
    });
    m_stallTimer->start();
    return reply;
}

void Upload::checkStall()
{
    if (!m_reply || m_request.stallTimeoutSec <= 0)
        return;
    if (m_clock.elapsed() - m_lastActivityMs >= qint64(m_request.stallTimeoutSec) * 1000) {
        m_stalled = true;
        m_reply->abort(); // finished() follows with OperationCanceledError
    }
}

Error Upload::replyError(QNetworkReply *reply, const UploadBody *body) const
{
    if (body && body->sourceError().isError())
        return body->sourceError();
    if (m_stalled)
        return Error{ErrorCode::Timeout,
                     tr("Nothing was sent or received for %1 s; the connection was cut.")
                         .arg(m_request.stallTimeoutSec),
                     0, -1};
    const ResponseInfo info = ResponseInfo::fromReply(reply);
    if (info.status == 0) {
        return ResponseInfo::networkError(reply->error() == QNetworkReply::NoError
                                              ? QNetworkReply::ProtocolFailure
                                              : reply->error(),
                                          reply->errorString());
    }
    if (info.status >= 200 && info.status < 300)
        return {};
    Error e = info.statusError(m_request.maxRetryAfterMs);
    const QString status = e.message;
    switch (info.status) {
    case 401:
        e.message = tr("%1: the server refused the credentials; check --user or the "
                       "Authorization header.")
                        .arg(status);
        break;
    case 403:
        e.message = tr("%1: the server does not allow this upload.").arg(status);
        break;
    case 413:
        e.message = tr("%1: the server refuses a file of %2 bytes (too large for it).")
                        .arg(status)
                        .arg(m_size);
        break;
    default: {
        const QByteArray text = reply->readAll().left(200).trimmed();
        if (!text.isEmpty() && !text.contains('<'))
            e.message += QStringLiteral(": ") + QString::fromUtf8(text);
    }
    }
    return e;
}

bool Upload::retryLater(const Error &error, const QString &what, std::function<void()> again)
{
    const qint64 delay = m_retry.nextDelayMs(error);
    if (delay < 0) {
        fail(error);
        return false;
    }
    Q_EMIT message(tr("%1 (%2); %3 in %4 s (attempt %5 of %6).")
                       .arg(error.message, errorCodeName(error.code), what)
                       .arg(double(delay) / 1000.0, 0, 'f', 1)
                       .arg(m_retry.attempt())
                       .arg(m_retry.settings().maxAttempts));
    announceRetry(error, delay, m_retry.attempt(), m_retry.settings().maxAttempts);
    m_retryTimer->disconnect(this);
    connect(m_retryTimer, &QTimer::timeout, this, [again] { again(); });
    m_retryTimer->start(int(qMin<qint64>(delay, INT_MAX)));
    return true;
}

void Upload::saveRecord()
{
    if (!m_storage || m_record.id <= 0)
        return;
    m_record.doneSize = m_confirmed;
    m_record.updated = QDateTime::currentDateTimeUtc();
    // Only what the upload owns: the queue changes the state, priority and position meanwhile.
    m_storage->saveUploadState(m_record);
}

void Upload::abortRequest()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    m_stallTimer->stop();
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
}

void Upload::stopRequests()
{
    abortRequest();
    stopOtherRequests();
    m_retryTimer->stop();
    m_progressTimer->stop();
}

void Upload::emitProgress()
{
    const qint64 done = qMin(m_size, m_confirmed + m_inFlightSent);
    m_speed.addSample(m_clock.elapsed(), done);
    TransferProgress p;
    p.id = m_record.id;
    p.done = done;
    p.total = m_size;
    p.speed = m_speed.bytesPerSecond();
    p.etaSeconds = m_size >= 0 ? m_speed.etaSeconds(m_size - done) : -1;
    p.connections = m_reply ? 1 : 0;
    p.fileName = m_path;
    describeProgress(p);
    Q_EMIT progress(p);
}

void Upload::fail(const Error &error)
{
    if (isFinished())
        return;
    stopRequests();
    finishWithError(TransferState::Failed, error, m_confirmed);
}

void Upload::finishWithError(TransferState state, const Error &error, qint64 size)
{
    m_record.setState(state, error);
    saveRecord();
    // A stop's state is the queue's to say (paused, or still due after a shutdown).
    if (m_storage && m_record.id > 0 && state != TransferState::Paused)
        m_storage->setState(m_record.id, state, error);
    TransferResult result;
    result.error = error;
    result.id = m_record.id;
    result.path = m_path;
    result.size = size;
    finish(result);
}

void Upload::finishComplete(bool alreadyComplete)
{
    if (isFinished())
        return;
    stopRequests();
    m_confirmed = m_size;
    m_inFlightSent = 0;
    if (m_storage && m_record.id > 0 && !alreadyComplete) {
        m_record.setState(TransferState::Completed);
        m_record.completed = QDateTime::currentDateTimeUtc();
        saveRecord();
        m_storage->setState(m_record.id, TransferState::Completed);
    }
    TransferResult result;
    result.id = m_record.id;
    result.path = m_path;
    result.size = m_size;
    result.alreadyComplete = alreadyComplete;
    finish(result);
    // After finish(): a stop() from a listener of this last snapshot cannot turn the
    // completed upload into a paused one.
    emitProgress();
}

void Upload::stopTransfer()
{
    stopRequests();
    finishWithError(TransferState::Paused, {ErrorCode::Cancelled, stoppedMessage(), 0, -1},
                    m_confirmed);
}

void Upload::cancelTransfer()
{
    stopRequests();
    terminate([this] {
        // The server has dropped the upload: nothing left to resume, no bytes confirmed.
        m_record.uploadUrl.clear();
        finishWithError(TransferState::Failed,
                        {ErrorCode::Cancelled, tr("Upload cancelled."), 0, -1}, 0);
    });
}

} // namespace bt

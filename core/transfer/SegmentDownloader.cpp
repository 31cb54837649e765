#include "transfer/SegmentDownloader.h"

#include "io/BTFileStream.h"
#include "model/DownloadRequest.h"
#include "net/HttpClient.h"
#include "net/ProxyConfig.h"
#include "transfer/NetworkSetup.h"
#include "transfer/RateLimiter.h"
#include "transfer/SegmentPlanner.h"

#include <QCoreApplication>
#include <QNetworkCookieJar>
#include <QNetworkReply>

namespace bt {

namespace {
// One read from the reply, one queued write: small enough to stay in the CPU caches from the
// network thread's recv to the hash and the pwrite.
constexpr qint64 kChunk = 128 * 1024;
// Under a speed limit, a grant smaller than this (and than what is wanted) waits for the next
// pump: taking the few bytes that accrued since the last read would turn every wake-up into a
// read of a few hundred bytes, a busy loop that starves the event loops. Every limiter's
// bucket holds at least 16 KiB (RateLimiter), so the wait always ends.
constexpr qint64 kMinGrant = 16 * 1024;
// An error answer's body is read (and dropped) up to this size before it is judged.
constexpr qint64 kMaxErrorBody = 256 * 1024;

} // namespace

SegmentDownloader::SegmentDownloader(int slot, HttpClient *client, QObject *parent)
    : QObject(parent), m_slot(slot), m_client(client)
{
    m_stall.setSingleShot(true);
    m_stall.setInterval(30000);
    connect(&m_stall, &QTimer::timeout, this, &SegmentDownloader::onStall);
}

SegmentDownloader::~SegmentDownloader()
{
    dropReply();
}

void SegmentDownloader::setStallTimeout(int seconds)
{
    m_stall.setInterval(qMax(1, seconds) * 1000);
}

void SegmentDownloader::setReadBufferSize(qint64 size)
{
    m_readBufferSize = size;
    if (m_reply)
        m_reply->setReadBufferSize(size);
}

void SegmentDownloader::get(const QNetworkRequest &request, int segment)
{
    m_segment = segment;
    m_redirects = 0;
    send(request);
}

void SegmentDownloader::send(const QNetworkRequest &request)
{
    dropReply();
    m_response = {};
    m_expectedLength = -1;
    m_received = 0;
    m_errorBody = 0;
    m_headersSeen = false;
    m_accepted = false;
    m_replyDone = false;
    m_stream = nullptr;
    m_planner = nullptr;
    CurlReply::Options options;
    if (m_request) {
        options.insecure = m_request->insecure;
        options.caFile = m_request->caCertFile;
    }
    options.cookies = m_cookies;
    CurlReply *reply = m_client->send("GET", request, nullptr, options, this);
    m_reply = reply;
    reply->setReadBufferSize(m_readBufferSize);
    connect(reply, &QNetworkReply::metaDataChanged, this, [this] { ensureHeaders(); });
    connect(reply, &QNetworkReply::readyRead, this, &SegmentDownloader::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &SegmentDownloader::onFinished);
    m_stall.start();
}

void SegmentDownloader::accept(BTFileStream *stream, SegmentPlanner *planner, int segment,
                               qint64 expectedLength)
{
    m_stream = stream;
    m_planner = planner;
    m_segment = segment;
    m_expectedLength = expectedLength;
    m_accepted = true;
    // Continue after the caller's handler has returned: never re-enter it.
    QMetaObject::invokeMethod(this, &SegmentDownloader::pump, Qt::QueuedConnection);
}

void SegmentDownloader::abort()
{
    dropReply();
    m_accepted = false;
}

void SegmentDownloader::dropReply()
{
    m_stall.stop();
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply = nullptr;
        reply->disconnect(this);
        // A reply that already reported an error is finishing on its own: abort() on it
        // would report a second error.
        if (!reply->isFinished() && reply->error() == QNetworkReply::NoError)
            reply->abort();
        reply->deleteLater();
    }
}

bool SegmentDownloader::ensureHeaders()
{
    if (!m_reply)
        return false;
    if (m_headersSeen)
        return true;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return true; // not yet (or no HTTP answer at all: onFinished reports it)
    const int code = status.toInt();
    if ((code >= 400 || isRedirect()) && !m_reply->isFinished()) {
        // An error answer is judged once its body is in: aborted while the body is still on
        // the way, it takes its keep-alive connection with it (the retry connects again);
        // aborted after Qt's network thread finished it, the reply reports a second error
        // (Qt warns on stderr). Error bodies are short: a long one is not waited for.
        m_errorBody += qMax<qint64>(0, m_reply->skip(m_reply->bytesAvailable()));
        if (m_errorBody <= kMaxErrorBody)
            return true;
    }
    if (isRedirect()) {
        followRedirect();
        return false;
    }
    return judgeAnswer();
}

bool SegmentDownloader::isRedirect() const
{
    const int code = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool redirect = code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    return redirect && m_request && !m_reply->rawHeader("Location").trimmed().isEmpty();
}

// Once the redirect's (short) body is in, so that its keep-alive connection is reused.
void SegmentDownloader::followRedirect()
{
    QNetworkRequest next;
    const Error error = NetworkSetup::nextHop(m_reply, ++m_redirects,
                                              NetworkSetup::redirectRules(*m_request), &next);
    dropReply();
    if (error.isError()) {
        fail(error);
        return;
    }
    send(next);
}

bool SegmentDownloader::judgeAnswer()
{
    m_headersSeen = true;
    m_response = ResponseInfo::fromReply(m_reply);
    QPointer<CurlReply> reply = m_reply;
    Q_EMIT headersReceived(this);
    return !reply.isNull() && reply == m_reply;
}

void SegmentDownloader::onReadyRead()
{
    m_stall.start();
    if (!ensureHeaders())
        return;
    if (m_accepted)
        pump();
}

void SegmentDownloader::onFinished()
{
    if (!m_reply)
        return;
    m_replyDone = true;
    if (!ensureHeaders())
        return;
    if (!m_headersSeen) {
        const QNetworkReply::NetworkError code = m_reply->error();
        const QString text = m_reply->errorString();
        const QUrl url = m_reply->url();
        dropReply();
        Error e = ResponseInfo::networkError(
            code == QNetworkReply::NoError ? QNetworkReply::ProtocolFailure : code, text);
        // Name the proxy in the message: "Connection refused" may be the proxy's.
        const QString proxy = ProxyConfig::describe(m_client->proxyFor(url));
        if ((e.code == ErrorCode::Network || e.code == ErrorCode::Timeout) && !proxy.isEmpty())
            e.message = tr("%1 (through the proxy %2)").arg(e.message, proxy);
        fail(e);
        return;
    }
    if (m_accepted)
        pump();
}

qint64 SegmentDownloader::takeBudget(qint64 wanted)
{
    qint64 granted = wanted;
    for (int i = 0; i < m_limiters.size() && granted > 0; ++i) {
        const qint64 got = m_limiters[i]->acquire(granted, clientKey(i));
        if (got < granted) {
            m_denied = true;
            for (int j = 0; j < i; ++j)
                m_limiters[j]->giveBack(granted - got, clientKey(j));
            granted = got;
        }
    }
    return granted;
}

quintptr SegmentDownloader::clientKey(int limiter) const
{
    // The transfer's own limiter (the first) names the transfer to the shared ones, so that
    // they share fairly between transfers, not between connections.
    return limiter == 0 ? 0 : quintptr(m_limiters.first());
}

void SegmentDownloader::giveBack(qint64 bytes)
{
    if (bytes <= 0)
        return;
    for (int i = 0; i < m_limiters.size(); ++i)
        m_limiters[i]->giveBack(bytes, clientKey(i));
}

void SegmentDownloader::pump()
{
    if (!m_accepted || !m_reply || !m_stream || !m_planner)
        return;
    while (true) {
        Segment &seg = m_planner->segment(m_segment);
        if (seg.complete()) {
            finishSegment();
            return;
        }
        const qint64 available = m_reply->bytesAvailable();
        if (available <= 0)
            break;
        if (!m_stream->wantsMore()) {
            Q_EMIT blockedByDisk();
            return; // the download calls pump() again on drained()
        }
        qint64 want = qMin(available, kChunk);
        if (seg.end >= 0)
            want = qMin(want, seg.remaining());
        const qint64 granted = takeBudget(want);
        if (granted < want && granted < kMinGrant) {
            giveBack(granted);
            return; // the pump timer calls pump() again
        }
        want = granted;
        const QByteArray data = m_reply->takePiece(want);
        giveBack(want - data.size());
        if (data.isEmpty())
            break;
        if (!m_stream->writeAt(seg.pos(), data)) {
            const Error error = m_stream->error();
            dropReply();
            fail(error);
            return;
        }
        seg.done += data.size();
        m_received += data.size();
        m_stall.start();
        Q_EMIT bytesWritten(data.size());
        if (!m_reply)
            return;
    }
    if (m_replyDone && m_reply && m_reply->bytesAvailable() <= 0)
        checkEnd();
}

void SegmentDownloader::checkEnd()
{
    const Segment &seg = m_planner->segment(m_segment);
    if (seg.complete()) {
        finishSegment();
        return;
    }
    const QNetworkReply::NetworkError code = m_reply->error();
    const QString text = m_reply->errorString();
    if (code != QNetworkReply::NoError) {
        dropReply();
        Error e = ResponseInfo::networkError(code, text);
        e.message =
            tr("Connection lost after %1 bytes of this answer: %2").arg(m_received).arg(text);
        fail(e);
        return;
    }
    if (seg.end < 0 && (m_expectedLength < 0 || m_received >= m_expectedLength)) {
        finishSegment(); // an unknown-size body that ended properly
        return;
    }
    dropReply();
    Error e;
    e.code = ErrorCode::Protocol;
    e.message =
        m_expectedLength >= 0
            ? tr("The answer ended after %1 of %2 bytes.").arg(m_received).arg(m_expectedLength)
            : tr("The answer ended before the end of its range.");
    fail(e);
}

void SegmentDownloader::finishSegment()
{
    dropReply();
    m_accepted = false;
    Q_EMIT segmentFinished(this);
}

void SegmentDownloader::onStall()
{
    if (!m_reply)
        return;
    if (m_reply->bytesAvailable() > 0 && m_accepted) {
        m_stall.start(); // we are the slow side (disk or rate limit), not the server
        return;
    }
    if (!m_headersSeen &&
        m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() >= 400) {
        // An error answer whose body stalled: the status is what the server said, and what
        // decides (a 403 is final, a 503 retried), not the stall.
        judgeAnswer();
        return;
    }
    dropReply();
    Error e;
    e.code = ErrorCode::Timeout;
    e.message = tr("No data for %1 s; reconnecting.").arg(m_stall.interval() / 1000);
    fail(e);
}

void SegmentDownloader::fail(const Error &error)
{
    m_accepted = false;
    Q_EMIT failed(this, error);
}

} // namespace bt

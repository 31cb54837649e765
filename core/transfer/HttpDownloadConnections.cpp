#include "Logging.h"
#include "http/ContentRange.h"
#include "io/BTFileStream.h"
#include "transfer/DestinationResolver.h"
#include "transfer/HttpDownloadPrivate.h"
#include "transfer/NetworkSetup.h"
#include "transfer/SegmentDownloader.h"

#include <QCoreApplication>
#include <QNetworkReply>

namespace bt {

namespace {

constexpr int kMaxRestarts = 2; // inconsistent answers before one plain full download
// A reply's read buffer (backpressure to TCP). Also what survives a cut connection: Qt drops
// what its HTTP thread still held, so a smaller one re-downloads more after a cut.
constexpr qint64 kOneBuffer = 512 << 10;
constexpr qint64 kBufferBudget = 1 << 20; // all connections' reply buffers together
constexpr qint64 kMinBuffer = 64 << 10;   // never below: reads stay large enough

// Qt holds about this much per connection (its reply buffer; the socket's and the HTTP
// thread's on top): a fixed budget shared by the connections keeps memory flat.
qint64 replyBufferFor(int connections)
{
    return qBound(kMinBuffer, kBufferBudget / qMax(1, connections), kOneBuffer);
}
} // namespace

int HttpDownload::Private::busyCount() const
{
    int n = 0;
    for (const SegmentDownloader *dl : connections)
        n += dl->isBusy() ? 1 : 0;
    return n;
}

bool HttpDownload::Private::multiSegment() const
{
    return rangesOk && !fallback && total >= 2 * request.minSegmentSize &&
           request.connections != 1 && request.maxConnections > 1;
}

SegmentDownloader *HttpDownload::Private::connection()
{
    for (SegmentDownloader *dl : std::as_const(connections)) {
        if (!dl->isBusy() && !waiting.contains(dl->slot()))
            return dl;
    }
    const int slot = nextSlot++;
    auto *dl = new SegmentDownloader(slot, network, q);
    dl->setCookieJar(cookieJar);
    dl->setStallTimeout(request.stallTimeoutSec);
    dl->setDownloadRequest(&request);
    // Always the own limiter: its rate may change while running (0 grants everything).
    QList<RateLimiter *> limiters{&ownLimiter};
    if (sharedLimiter)
        limiters.append(sharedLimiter.get());
    dl->setLimiters(limiters);
    QObject::connect(dl, &SegmentDownloader::headersReceived, q,
                     [this](SegmentDownloader *c) { onHeaders(c); });
    QObject::connect(dl, &SegmentDownloader::bytesWritten, q, [this, dl](qint64 bytes) {
        noteBytes(dl, bytes);
        // Progress is only what the download never held before: a server that ignores Range
        // and cuts after N bytes sends the same N bytes on every retry, which must not reset
        // the retry count (or --retries never runs out).
        const qint64 have = planner.doneBytes();
        if (have > mostEverHeld) {
            mostEverHeld = have;
            retry.progressMade();
        }
    });
    QObject::connect(dl, &SegmentDownloader::blockedByDisk, q, [this] {
        if (blockedSince < 0)
            blockedSince = clock.elapsed();
    });
    QObject::connect(dl, &SegmentDownloader::segmentFinished, q,
                     [this](SegmentDownloader *c) { onSegmentFinished(c); });
    QObject::connect(dl, &SegmentDownloader::failed, q,
                     [this](SegmentDownloader *c, const Error &e) { onFailed(c, e); });
    connections.append(dl);
    return dl;
}

void HttpDownload::Private::startProbe(SegmentDownloader *dl)
{
    if (!dl)
        dl = connection();
    planned = false;
    ResumeValidator::Expectation expect;
    expect.ranged = !fallback;
    expectations.insert(dl->slot(), expect);
    dl->setReadBufferSize(kOneBuffer);
    // "Range: bytes=0-" learns the size and range support from the first answer; a server
    // without ranges simply answers 200.
    const QUrl url = requestUrl(dl, true);
    dl->get(NetworkSetup::buildRequest(request, url, fallback ? -1 : 0, -1, {}), -1);
    progressTimer->start();
}

void HttpDownload::Private::startSegment(SegmentDownloader *dl, int index)
{
    const Segment &seg = planner.segment(index);
    ResumeValidator::Expectation expect;
    expect.ranged = !fallback;
    expect.first = seg.pos();
    expect.last = seg.end >= 0 ? seg.end - 1 : -1;
    expect.total = total;
    expect.etag = etag;
    expect.lastModified = lastModified;
    const QUrl url = requestUrl(dl, false);
    if (mirrors.isMulti()) {
        // Mirrors are other servers: their validators differ; the size and the hashes judge.
        expect.etag.clear();
        expect.lastModified.clear();
    }
    expectations.insert(dl->slot(), expect);
    const QByteArray ifRange = ResumeValidator::ifRange(expect.etag, expect.lastModified);
    // One connection may buffer more; many share a smaller budget.
    dl->setReadBufferSize(replyBufferFor(multiSegment() ? adaptive.target() : 1));
    qCDebug(lcTransfer, "segment %d [%lld, %lld) on slot %d from %s", index, expect.first,
            expect.last + 1, dl->slot(), qUtf8Printable(url.toString()));
    dl->get(NetworkSetup::buildRequest(request, url, fallback ? -1 : expect.first, expect.last,
                                       ifRange),
            index);
}

void HttpDownload::Private::onHeaders(SegmentDownloader *dl)
{
    const ResponseInfo &info = dl->response();
    if (verifyingEnd) {
        verifyingEnd = false;
        const auto range = http::parseContentRange(info.contentRange);
        const qint64 have = planner.doneBytes();
        if (info.status == 416 && (!range || range->total < 0 || range->total == have)) {
            dl->abort(); // nothing after our last byte: the body was complete
            endVerified = true;
            onSegmentFinished(dl);
            return;
        }
        if (info.status != 206) {
            // No usable range answer: the body we have is all we can know of.
            dl->abort();
            endVerified = true;
            onSegmentFinished(dl);
            return;
        }
        Q_EMIT q->message(
            tr("The answer without a length ended early; continuing at byte %1.").arg(have));
    }
    const ResumeValidator::Result result =
        ResumeValidator::check(expectations.value(dl->slot()), info);
    if (result.verdict == ResumeValidator::Verdict::Full ||
        result.verdict == ResumeValidator::Verdict::Partial)
        q->setPhase(TransferPhase::Transferring);
    switch (result.verdict) {
    case ResumeValidator::Verdict::Failed: {
        if (info.status == 416 && planned && mirrors.liveCount() <= 1) {
            dl->abort();
            restartFromZero(tr("The server cannot serve the remaining range (416); starting "
                               "again from the beginning."),
                            nullptr, {}, true);
            return;
        }
        const Error error = info.statusError(request.maxRetryAfterMs);
        dl->abort();
        onFailed(dl, error);
        return;
    }
    case ResumeValidator::Verdict::Inconsistent:
    case ResumeValidator::Verdict::Changed:
        dl->abort();
        if (planned && mirrorFailed(dl, Error{ErrorCode::Protocol, result.reason, 0, -1}, true))
            return;
        restartFromZero(result.reason, nullptr, {}, true);
        return;
    case ResumeValidator::Verdict::Full:
        if (!planned) {
            plan(dl, result);
        } else if (mirrors.liveCount() > 1) {
            dl->abort();
            mirrorFailed(dl, Error{ErrorCode::Protocol, tr("it ignores byte ranges"), 0, -1}, true);
        } else {
            restartFromZero(result.reason.isEmpty()
                                ? tr("The server sent the whole file; starting again from the "
                                     "beginning.")
                                : result.reason,
                            dl, result);
        }
        return;
    case ResumeValidator::Verdict::Partial:
        if (!planned) {
            plan(dl, result);
            return;
        }
        if (total < 0 && result.total >= 0) {
            total = result.total; // an unknown size became known
            planner.setTotal(total);
        }
        // (A mirror's answer is about the mirror's address, not the request's.)
        if (info.url.isValid() && info.url != finalUrl && mirrorOf.value(dl->slot(), 0) == 0) {
            finalUrl = info.url; // redirected elsewhere this time: resume from there next
            if (stream->sync())  // the row's offsets must not run ahead of the disk
                saveRecord();
        }
        dl->accept(stream, &planner, dl->segmentIndex(), result.length);
        return;
    }
}

// The first usable answer: learn the size, validators and name, open the stream, and let
// this connection carry the first segment.
void HttpDownload::Private::plan(SegmentDownloader *dl, const ResumeValidator::Result &result)
{
    const ResponseInfo &info = dl->response();
    const bool full = info.status == 200;
    if (request.expectedSize >= 0 && result.total != request.expectedSize) {
        const Error wrong{ErrorCode::Integrity,
                          tr("The server's file is %1 bytes, the metalink says %2.")
                              .arg(result.total)
                              .arg(request.expectedSize),
                          0, -1};
        dl->abort();
        if (!mirrorFailed(dl, wrong, true))
            fail(wrong);
        return;
    }
    addDuplicates(dl, info);
    const QUrl asked = mirrorOf.contains(dl->slot()) && mirrorOf.value(dl->slot()) != 0
                           ? mirrors.url(mirrorOf.value(dl->slot()))
                           : request.url;
    finalUrl = info.url.isValid() && asked == request.url ? info.url : request.url;
    if (finalUrl != request.url)
        Q_EMIT q->message(tr("Redirected to %1").arg(finalUrl.toString()));
    total = result.total;
    etag = info.strongEtag();
    lastModified = info.lastModified;
    rangesOk = !full || info.rangesAccepted();
    // Repr-Digest (RFC 9530) and Digest (RFC 3230) describe the whole representation, so a
    // 206's are checked against the complete file as a 200's are (Content-Digest, which
    // describes only the part, is not used).
    serverDigests = http::parseReprDigest(info.reprDigest);
    if (serverDigests.isEmpty())
        serverDigests = http::parseDigest(info.digest);
    if (destination.isEmpty())
        destination = DestinationResolver::resolve(request, info, reusable);
    Error error;
    if (!openStream(true, &error)) {
        dl->abort();
        fail(error);
        return;
    }
    planner.reset(total);
    setUpPieces(false);
    planner.segment(0).owner = dl->slot();
    planned = true;
    saveRecord();
    dl->accept(stream, &planner, 0, result.length);
    startTimers();
    ensureConnections();
}

void HttpDownload::Private::restartFromZero(const QString &reason, SegmentDownloader *adopt,
                                            const ResumeValidator::Result &adopted,
                                            bool inconsistent)
{
    if (inconsistent && fallback) {
        // Even a plain request got an unusable answer: nothing sane is left to try.
        fail(Error{ErrorCode::Protocol, reason, 0, -1});
        return;
    }
    if (!reason.isEmpty())
        Q_EMIT q->message(reason);
    for (SegmentDownloader *dl : std::as_const(connections)) {
        if (dl != adopt) {
            dl->abort();
            releaseMirror(dl);
        }
    }
    waiting.clear();
    ++pieceGeneration; // a running piece check is about the bytes dropped here
    checkingPieces = false;
    if (stream) {
        stream->discard(); // never splice old and new bytes
        delete stream;
        stream = nullptr;
    }
    planner.clear();
    planned = false;
    verifyingEnd = false;
    endVerified = false;
    speed.reset();
    tuneTimer->stop();
    if (adopt) {
        // This answer is the whole file from byte 0: it becomes the single connection.
        plan(adopt, adopted);
        return;
    }
    if (inconsistent && ++restarts >= kMaxRestarts && !fallback) {
        fallback = true;
        Q_EMIT q->message(tr("The server's byte ranges are unreliable; downloading the whole "
                             "file on one connection."));
    }
    startProbe();
}

void HttpDownload::Private::onSegmentFinished(SegmentDownloader *dl)
{
    releaseMirror(dl);
    if (planner.count() == 1 && planner.segment(0).end < 0) {
        // A body delimited by the connection's close looks the same when cut: where the
        // server has ranges, ask for what follows our last byte (416 = nothing, the end is
        // real). (A chunked body that lost its last chunk fails in curl.)
        if (rangesOk && !fallback && !endVerified) {
            verifyingEnd = true;
            planner.segment(0).owner = dl->slot();
            startSegment(dl, 0);
            return;
        }
        total = planner.doneBytes();
        planner.setTotal(total);
    }
    if (planner.allComplete()) {
        maybeFinalize();
        return;
    }
    checkPieces();
    if (busyCount() >= adaptive.target())
        return; // fewer connections were asked for: this one rests
    const int index = planner.takeWork(dl->slot());
    if (index >= 0)
        startSegment(dl, index);
}

void HttpDownload::Private::onFailed(SegmentDownloader *dl, const Error &error)
{
    if (done)
        return;
    if (planned && dl->segmentIndex() >= 0 && dl->segmentIndex() < planner.count() &&
        planner.segment(dl->segmentIndex()).owner == dl->slot())
        planner.release(dl->segmentIndex());
    if (mirrorFailed(dl, error, false))
        return;
    if (planned && !triedOriginalUrl && finalUrl != request.url) {
        // The stored address after redirects may have expired (signed CDN links): the address
        // the person gave redirects anew, and the validators still decide whether to resume.
        triedOriginalUrl = true;
        Q_EMIT q->message(tr("The saved address %1 failed (%2); asking %3 again.")
                              .arg(finalUrl.toString(), error.message, request.url.toString()));
        finalUrl = request.url;
        waiting.insert(dl->slot());
        QTimer::singleShot(0, dl, [this, dl] { retryConnection(dl); });
        return;
    }
    if (!error.isTransient()) {
        fail(error);
        return;
    }
    // A server that limits connections answers the extra ones with 503/429: use fewer.
    if (planned && error.code == ErrorCode::HttpTransient && busyCount() > 0 &&
        !mirrors.isMulti()) {
        adaptive.cap(busyCount());
        Q_EMIT q->message(tr("The server refused another connection (%1); using %2.")
                              .arg(error.message)
                              .arg(busyCount()));
        // Close it for good: an idle keep-alive connection still counts against the limit.
        connections.removeOne(dl);
        expectations.remove(dl->slot());
        dl->disconnect(q);
        dl->deleteLater();
        return;
    }
    const qint64 delay = retry.nextDelayMs(error);
    if (delay < 0) {
        fail(error);
        return;
    }
    Q_EMIT q->message(tr("%1 - retrying in %2 s (attempt %3 of %4).")
                          .arg(error.message)
                          .arg(double(delay) / 1000.0, 0, 'f', 1)
                          .arg(retry.attempt())
                          .arg(retry.settings().maxAttempts));
    q->announceRetry(error, delay, retry.attempt(), retry.settings().maxAttempts);
    waiting.insert(dl->slot());
    QTimer::singleShot(delay, dl, [this, dl] { retryConnection(dl); });
}

void HttpDownload::Private::retryConnection(SegmentDownloader *dl)
{
    if (done || !waiting.remove(dl->slot()))
        return;
    if (!planned) {
        startProbe(dl);
        return;
    }
    if (fallback) {
        // No ranges to trust: the plain download starts over.
        restartFromZero({}, nullptr);
        return;
    }
    if (planner.allComplete()) {
        maybeFinalize();
        return;
    }
    const int index = planner.takeWork(dl->slot());
    if (index >= 0)
        startSegment(dl, index);
}

void HttpDownload::Private::ensureConnections()
{
    if (done || !planned)
        return;
    const int target = multiSegment() ? adaptive.target() : 1;
    while (busyCount() + waiting.size() < target && planner.hasWorkFor()) {
        SegmentDownloader *dl = connection();
        const int index = planner.takeWork(dl->slot());
        if (index < 0)
            break;
        startSegment(dl, index);
    }
}

void HttpDownload::Private::tune()
{
    if (!planned || !multiSegment()) {
        tuneTimer->stop();
        return;
    }
    // The limit is the bottleneck only when it held a connection back this interval; then
    // more connections would only add overhead. When the server's rate per connection is what
    // holds the download back (throttling per connection), more connections still help under
    // a limit.
    bool limitHeldBack = false;
    for (SegmentDownloader *dl : std::as_const(connections))
        limitHeldBack = dl->takeDenied() || limitHeldBack;
    if (limitHeldBack)
        return;
    int flowing = 0;
    for (const SegmentDownloader *dl : std::as_const(connections))
        flowing += dl->isFlowing() ? 1 : 0;
    // Waiting for the disk half of the time or more: more connections would not help.
    const qint64 now = clock.elapsed();
    qint64 waited = blockedMs + (blockedSince >= 0 ? now - blockedSince : 0);
    blockedMs = 0;
    if (blockedSince >= 0)
        blockedSince = now;
    const bool disk = waited * 2 >= tuneTimer->interval();
    const qint64 cpu = AdaptiveConnections::processCpuMsec();
    const int target =
        adaptive.tick(clock.elapsed(), planner.doneBytes(), flowing, busyCount(), disk, cpu);
    qCDebug(lcTransfer, "adaptive: t=%lld ms done=%lld busy=%d target=%d cpu=%lld ms disk=%d",
            clock.elapsed(), planner.doneBytes(), busyCount(), target, cpu, int(disk));
    if (target > busyCount()) {
        // The running ones shrink their buffers too: the budget is for all of them.
        for (SegmentDownloader *dl : std::as_const(connections))
            dl->setReadBufferSize(replyBufferFor(target));
        ensureConnections();
    }
    // An unsuccessful probe is undone: the newest connections give their (partly done)
    // segments back; the others take them over when they finish their own.
    for (int i = int(connections.size()) - 1; i >= 0 && busyCount() > target; --i) {
        SegmentDownloader *dl = connections.at(i);
        if (!dl->isBusy() || dl->segmentIndex() < 0)
            continue;
        dl->abort();
        releaseMirror(dl);
        if (planner.segment(dl->segmentIndex()).owner == dl->slot())
            planner.release(dl->segmentIndex());
    }
}

void HttpDownload::Private::pumpAll()
{
    for (SegmentDownloader *dl : std::as_const(connections))
        dl->pump();
}

} // namespace bt

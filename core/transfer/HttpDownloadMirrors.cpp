// HttpDownload's mirrors (a metalink's, a server's Link: rel=duplicate) and piece hashes:
// which mirror a request goes to, what a mirror's failure costs it, and the check of each
// piece as it completes.

#include "Background.h"
#include "Logging.h"
#include "http/LinkHeader.h"
#include "io/BTFileStream.h"
#include "transfer/HttpDownloadPrivate.h"
#include "transfer/NetworkSetup.h"
#include "transfer/SegmentDownloader.h"

#include <QCoreApplication>

namespace bt {

namespace {
constexpr int kMaxMirrors = 64; // PieceTracker keeps who sent a piece in 64 bits
} // namespace

void HttpDownload::Private::setUpPieces(bool resumed)
{
    pieces.reset(request.pieces, total);
    if (!pieces.isActive())
        return;
    planner.setAlignment(pieces.length());
    // Segments of a few pieces, so that every mirror gets some (not below 256 KiB).
    if (mirrors.isMulti())
        planner.setMinSegmentSize(
            qMin(request.minSegmentSize, qMax<qint64>(pieces.length(), 256 << 10)));
    // A checkpoint counts only checked pieces as done: what the row says is there was checked.
    if (resumed)
        pieces.markVerified(planner.doneRanges());
}

QUrl HttpDownload::Private::requestUrl(SegmentDownloader *dl, bool probe)
{
    releaseMirror(dl);
    if (!mirrors.isMulti())
        return probe ? request.url : finalUrl;
    const int mirror = probe ? probeMirror : mirrors.pick();
    mirrorOf.insert(dl->slot(), mirror);
    mirrors.attach(mirror);
    // The request's own address after its redirects; a mirror's redirects are followed anew.
    if (mirror == 0)
        return probe ? request.url : finalUrl;
    return mirrors.url(mirror);
}

void HttpDownload::Private::releaseMirror(SegmentDownloader *dl)
{
    const auto it = mirrorOf.constFind(dl->slot());
    if (it == mirrorOf.constEnd())
        return;
    mirrors.detach(*it);
    mirrorOf.erase(it);
}

void HttpDownload::Private::releaseSegment(SegmentDownloader *dl)
{
    const int index = dl->segmentIndex();
    if (planned && index >= 0 && index < planner.count() &&
        planner.segment(index).owner == dl->slot())
        planner.release(index);
}

void HttpDownload::Private::mirrorDropped(int mirror, const QString &reason,
                                          SegmentDownloader *except, bool sentBadData)
{
    Q_EMIT q->message(tr("Mirror %1 dropped: %2").arg(mirrors.url(mirror).toString(), reason));
    // Its other connections stop; their segments go to the mirrors left.
    const QList<SegmentDownloader *> all = connections;
    for (SegmentDownloader *dl : all) {
        if (dl == except || mirrorOf.value(dl->slot(), -1) != mirror || !dl->isBusy())
            continue;
        dl->abort();
        releaseMirror(dl);
        const int index = dl->segmentIndex();
        if (sentBadData && pieces.isActive() && index >= 0 && index < planner.count()) {
            // Its piece in progress is not worth finishing: back to that piece's start.
            Segment &segment = planner.segment(index);
            const qint64 pieceStart = segment.pos() / pieces.length() * pieces.length();
            segment.done = qMax<qint64>(0, pieceStart - segment.start);
        }
        releaseSegment(dl);
        redispatch(dl);
    }
}

void HttpDownload::Private::redispatch(SegmentDownloader *dl)
{
    waiting.insert(dl->slot());
    QTimer::singleShot(0, dl, [this, dl] { retryConnection(dl); });
}

bool HttpDownload::Private::mirrorFailed(SegmentDownloader *dl, const Error &error, bool unusable)
{
    if (mirrors.liveCount() <= 1)
        return false; // one address left: a download of one server
    const int mirror = mirrorOf.value(dl->slot(), planned ? -1 : probeMirror);
    releaseMirror(dl);
    releaseSegment(dl);
    if (mirrors.recordFailure(mirror, unusable || !error.isTransient(), error.message))
        mirrorDropped(mirror, error.message, dl, false);
    if (mirrors.liveCount() == 0) {
        Error last = error;
        last.message = tr("Every mirror failed; the last: %1").arg(error.message);
        fail(last);
        return true;
    }
    if (!planned) {
        // The first answer is awaited: the next mirror at once; once every mirror had its
        // turn, the usual backoff before the next round.
        const int next = mirrors.nextLive(probeMirror);
        const bool round = next <= probeMirror;
        probeMirror = next;
        if (round && mirrors.isLive(mirror))
            return false;
        redispatch(dl);
        return true;
    }
    if (!mirrors.isLive(mirror)) {
        redispatch(dl); // at once: other mirrors are there
        return true;
    }
    return false; // a transient error of a mirror still in use: the usual retry and backoff
}

void HttpDownload::Private::noteBytes(SegmentDownloader *dl, qint64 bytes)
{
    const int mirror = mirrorOf.value(dl->slot(), 0);
    mirrors.recordSuccess(mirror);
    if (!pieces.isActive() || dl->segmentIndex() < 0 || dl->segmentIndex() >= planner.count())
        return;
    const qint64 to = planner.segment(dl->segmentIndex()).pos();
    pieces.contributed(to - bytes, to, mirror);
}

void HttpDownload::Private::checkPieces()
{
    if (!pieces.isActive() || checkingPieces || done || !stream || verifying || publishing)
        return;
    const QList<PieceTracker::Check> ready = pieces.takeReady(planner.doneRanges());
    if (ready.isEmpty())
        return;
    // The bytes must be in the file before they are read back (the writer is at most a few
    // chunks behind).
    if (!stream->flush()) {
        fail(stream->error());
        return;
    }
    checkingPieces = true;
    runInBackground(
        q,
        [path = stream->tempPath(), algorithm = pieces.algorithm(), ready] {
            std::pair<QList<PieceTracker::Verdict>, Error> outcome;
            outcome.first = PieceTracker::verify(path, algorithm, ready, &outcome.second);
            return outcome;
        },
        [this, generation =
                   pieceGeneration](const std::pair<QList<PieceTracker::Verdict>, Error> &outcome) {
            if (generation == pieceGeneration)
                piecesChecked(outcome.first, outcome.second);
        });
}

void HttpDownload::Private::piecesChecked(const QList<PieceTracker::Verdict> &verdicts,
                                          const Error &error)
{
    checkingPieces = false;
    if (done)
        return;
    if (error.isError()) {
        fail(error);
        return;
    }
    bool refetch = false;
    for (const PieceTracker::Verdict &verdict : verdicts) {
        qCDebug(lcTransfer, "piece %d: %s", verdict.index, verdict.ok ? "good" : "bad");
        if (verdict.ok) {
            pieces.setResult(verdict);
            continue;
        }
        const QList<int> senders = pieces.contributors(verdict.index);
        const qint64 from = pieces.start(verdict.index);
        const qint64 to = pieces.end(verdict.index);
        pieces.setResult(verdict);
        planner.invalidate(from, to);
        refetch = true;
        QStringList names;
        for (int mirror : senders)
            names.append(mirrors.url(mirror).toString());
        Q_EMIT q->message(
            tr("Piece %1 (bytes %2-%3) failed its %4 check (sent by %5); "
               "fetching it again.")
                .arg(verdict.index)
                .arg(from)
                .arg(to - 1)
                .arg(http::algorithmName(pieces.algorithm()),
                     names.isEmpty() ? tr("an earlier run") : names.join(QStringLiteral(", "))));
        const QString reason = tr("piece %1 failed its %2 check")
                                   .arg(verdict.index)
                                   .arg(http::algorithmName(pieces.algorithm()));
        for (int mirror : senders) {
            if (!mirrors.isMulti() || mirrors.liveCount() <= 1)
                break; // the last one is kept: a second bad copy fails the file hash anyway
            if (mirrors.recordBadPiece(mirror, senders.size() == 1, reason))
                mirrorDropped(mirror, reason, nullptr, true);
        }
    }
    if (planner.allComplete()) {
        maybeFinalize();
        return;
    }
    if (refetch) {
        // Idle connections take the pieces again.
        for (SegmentDownloader *dl : std::as_const(connections)) {
            if (!dl->isBusy() && !waiting.contains(dl->slot()))
                redispatch(dl);
        }
        ensureConnections();
    }
    checkPieces(); // more may have completed meanwhile
}

void HttpDownload::Private::maybeFinalize()
{
    if (!pieces.isActive()) {
        finalize();
        return;
    }
    checkPieces();
    if (!checkingPieces && pieces.allVerified())
        finalize();
    // else piecesChecked() comes back here
}

QList<SegmentState> HttpDownload::Private::checkpointStates() const
{
    return pieces.checkpoint(planner.states());
}

void HttpDownload::Private::addDuplicates(SegmentDownloader *probe, const ResponseInfo &info)
{
    if (!request.mirrors.isEmpty() || info.link.isEmpty())
        return; // a metalink's mirrors are the list
    for (const http::LinkValue &link : http::parseLinkHeader(info.link, info.url)) {
        if (!link.relations.contains(QLatin1String("duplicate")) ||
            NetworkSetup::checkHttpUrl(link.url).isError() || mirrors.count() >= kMaxMirrors)
            continue;
        const int before = mirrors.count();
        mirrors.add(link.url);
        if (mirrors.count() > before)
            Q_EMIT q->message(tr("The server names a mirror: %1").arg(link.url.toString()));
    }
    if (mirrors.isMulti() && !mirrorOf.contains(probe->slot())) {
        mirrorOf.insert(probe->slot(), 0); // the probe goes on as the origin's connection
        mirrors.attach(0);
    }
}

} // namespace bt

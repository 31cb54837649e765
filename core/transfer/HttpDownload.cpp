#include "transfer/HttpDownload.h"

#include "Background.h"

#include "http/CookieFile.h"
#include "io/BTFileStream.h"
#include "transfer/DestinationResolver.h"
#include "transfer/DownloadVerifier.h"
#include "transfer/HttpDownloadPrivate.h"
#include "transfer/NetworkSetup.h"
#include "transfer/SegmentDownloader.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QThread>

namespace bt {

namespace {

// Forced: exactly that many. Adaptive: one, more while more pay off.
int initialConnections(const DownloadRequest &request)
{
    // With mirrors, one a mirror from the start: they are the point of a metalink.
    return request.connections > 0
               ? request.connections
               : qBound(1, int(request.mirrors.size()) + 1, qMax(1, request.maxConnections));
}
} // namespace

HttpDownload::Private::Private(HttpDownload *q, const DownloadRequest &request, HttpClient *network,
                               ResumeStorage *storage)
    : q(q), request(request), network(network), storage(storage), ownLimiter(request.rateLimit),
      planner(request.minSegmentSize),
      retry(http::RetryPolicy::Settings{qMax(0, request.retries),
                                        qMax<qint64>(0, request.retryDelayMs), 60000,
                                        request.maxRetryAfterMs}),
      adaptive(initialConnections(request),
               request.connections > 0 ? initialConnections(request) : request.maxConnections),
      progressTimer(new QTimer(q)), syncTimer(new QTimer(q)), tuneTimer(new QTimer(q)),
      pumpTimer(new QTimer(q))
{
    progressTimer->setInterval(250);
    syncTimer->setInterval(1000);
    tuneTimer->setInterval(100);
    pumpTimer->setInterval(25);
    QObject::connect(progressTimer, &QTimer::timeout, q, [this] {
        emitProgress();
        checkPieces();
    });
    QObject::connect(syncTimer, &QTimer::timeout, q, [this] { persistProgressInBackground(); });
    QObject::connect(tuneTimer, &QTimer::timeout, q, [this] { tune(); });
    QObject::connect(pumpTimer, &QTimer::timeout, q, [this] { pumpAll(); });
}

void HttpDownload::Private::start()
{
    if (started)
        return;
    started = true;
    clock.start();
    if (const Error bad = NetworkSetup::checkDownloadUrl(request.url); bad.isError()) {
        fail(bad);
        return;
    }
    QList<QUrl> extra;
    for (const QUrl &mirror : std::as_const(request.mirrors)) {
        if (!NetworkSetup::checkHttpUrl(mirror).isError() && extra.size() < 63)
            extra.append(mirror);
    }
    mirrors.reset(request.url, extra);
    if (!request.cookieFile.isEmpty()) {
        QFile file(request.cookieFile);
        if (!file.open(QIODevice::ReadOnly)) {
            fail(Error{ErrorCode::NotFound,
                       tr("Cannot read the cookie file %1: %2")
                           .arg(request.cookieFile, file.errorString()),
                       0, -1});
            return;
        }
        cookies = http::parseCookieFile(file.readAll());
    }
    // One jar for all connections: the cookie file's, and what the server sets on the way.
    cookieJar = new QNetworkCookieJar(q);
    for (const QNetworkCookie &cookie : std::as_const(cookies))
        cookieJar->insertCookie(cookie);
    if (!storage || request.storeId <= 0) {
        begin(std::nullopt);
        return;
    }
    if (storedRow && storedRow->id == request.storeId) {
        begin(storedRow);
        return;
    }
    // The row as the store has it after everything handed over before (the queue's insert).
    storage->load(request.storeId, q, [this](const std::optional<TransferRecord> &row) {
        if (done)
            return; // stopped meanwhile
        if (!row) {
            fail(Error{ErrorCode::Store,
                       tr("There is no transfer %1 in the transfer database.").arg(request.storeId),
                       0, -1});
            return;
        }
        begin(row);
    });
}

void HttpDownload::Private::begin(const std::optional<TransferRecord> &row)
{
    if (!openRecord(row))
        return;
    // A resume asks the address the redirects ended at last time (openRecord() took it from the
    // row); if that fails (an expired signed URL), onFailed() goes back to request.url once.
    if (!planned || !finalUrl.isValid())
        finalUrl = request.url;
    if (planned) { // resuming from the store's segments
        Q_EMIT q->message(tr("Resuming %1 at %2 of %3 bytes.")
                              .arg(destination)
                              .arg(planner.doneBytes())
                              .arg(total));
        if (planner.allComplete()) {
            maybeFinalize();
            return;
        }
        startTimers();
        ensureConnections();
        return;
    }
    startProbe();
}

bool HttpDownload::Private::openStream(bool truncate, Error *error)
{
    delete stream;
    stream = new BTFileStream(q);
    BTFileStream::Options options;
    options.truncate = truncate;
    // Bounded memory (peak RSS target 32 MB for any size): the queue to the disk is what
    // the heap holds most of. A short queue (four 128 KiB reads of one connection) also keeps
    // the bytes in the CPU caches between the network thread, the hasher and the pwrite
    // (measured on 2 GiB: ~1.5 s less CPU than 2 MiB of 512 KiB chunks); the network
    // resumes as soon as one chunk is on disk. Chunks are coalesced up to
    // 128 KiB: a 128 KiB read goes to the disk as it is (no copy), small reads from many
    // connections still become one write.
    options.highWatermark = 512 << 10;
    options.lowWatermark = 384 << 10;
    options.bufferSize = 128 << 10;
    // Reserve only a plausible start of what the server claims: the reserve not written is
    // given back on close, but a kill -9 leaves it allocated, and a claim costs a server
    // nothing (issue #10). The rest is allocated as it is written.
    constexpr qint64 kMaxReserve = 64 << 20;
    options.preallocate = (truncate && total > 0) ? qMin(total, kMaxReserve) : -1;
    stream->setExpectedSize(total > 0 ? total : -1);
    // The incremental SHA-256 (overlapped with the writes) only where something will use it.
    options.hash = request.sha256 || DownloadVerifier::hasSha256(request.checksums) ||
                   DownloadVerifier::hasSha256(serverDigests);
    if (!stream->open(destination, BTFileStream::Mode::Write, options, error)) {
        delete stream;
        stream = nullptr;
        return false;
    }
    QObject::connect(stream, &BTFileStream::drained, q, [this] {
        if (blockedSince >= 0) {
            blockedMs += clock.elapsed() - blockedSince;
            blockedSince = -1;
        }
        pumpAll();
    });
    QObject::connect(stream, &BTFileStream::errorOccurred, q, [this](const Error &e) { fail(e); });
    return true;
}

void HttpDownload::Private::startTimers()
{
    progressTimer->start();
    syncTimer->start();
    if (request.connections <= 0 && multiSegment()) {
        adaptive.tick(clock.elapsed(), planner.doneBytes(), 1 << 20, 0, false,
                      AdaptiveConnections::processCpuMsec()); // the first measurement starts
        tuneTimer->start();
    }
    // A shared limiter may get a rate at any time (the queue's global limit).
    if (ownLimiter.isLimited() || sharedLimiter)
        pumpTimer->start();
}

void HttpDownload::Private::stopEverything()
{
    progressTimer->stop();
    syncTimer->stop();
    tuneTimer->stop();
    pumpTimer->stop();
    for (SegmentDownloader *dl : std::as_const(connections)) {
        dl->abort();
        dl->disconnect(q);
        dl->deleteLater();
    }
    connections.clear();
    waiting.clear();
}

void HttpDownload::Private::emitProgress()
{
    const qint64 doneBytes = planned ? planner.doneBytes() : 0;
    speed.addSample(clock.elapsed(), doneBytes);
    TransferProgress p;
    p.id = record.id;
    p.done = doneBytes;
    p.total = total;
    p.speed = speed.bytesPerSecond();
    p.etaSeconds = total >= 0 ? speed.etaSeconds(total - doneBytes) : -1;
    p.connections = busyCount();
    p.fileName = destination;
    if (planned) {
        p.finalUrl = finalUrl;
        p.etag = etag;
        p.lastModified = lastModified;
        p.segments = planner.states();
    }
    Q_EMIT q->progress(p);
}

void HttpDownload::Private::finalize()
{
    stopEverything();
    if (total < 0) {
        total = planner.doneBytes();
        planner.setTotal(total);
    }
    if (planner.doneBytes() != total) {
        fail(Error{ErrorCode::Protocol,
                   tr("Size mismatch: %1 bytes received, %2 expected.")
                       .arg(planner.doneBytes())
                       .arg(total),
                   0, -1});
        return;
    }
    if (!stream->flush()) {
        fail(stream->error());
        return;
    }
    verifying = true;
    q->setPhase(TransferPhase::Verifying);
    if (!request.sha256 && serverDigests.isEmpty() && request.checksums.isEmpty()) {
        // Nothing to verify and no hash asked for: publish now (from the event loop, as the
        // verified path does).
        QMetaObject::invokeMethod(
            q, [this] { verified({}, {}); }, Qt::QueuedConnection);
        return;
    }
    // Hashing a big file takes seconds: off the worker thread, which other transfers share.
    const QByteArray known = stream->hashValid() ? stream->sha256() : QByteArray();
    runInBackground(
        q,
        [path = stream->tempPath(), known, digests = serverDigests, sums = request.checksums,
         want = request.sha256] {
            std::pair<Error, QByteArray> outcome;
            outcome.first =
                DownloadVerifier::verify(path, known, digests, sums, want, &outcome.second);
            return outcome;
        },
        [this](const std::pair<Error, QByteArray> &outcome) {
            verified(outcome.first, outcome.second);
        });
}

void HttpDownload::Private::verified(const Error &error, const QByteArray &sha256)
{
    if (!verifying || done)
        return; // stopped or failed meanwhile
    verifying = false;
    if (error.isError())
        fail(error);
    else
        publish(sha256);
}

void HttpDownload::Private::publish(const QByteArray &sha256)
{
    q->setPhase(TransferPhase::Publishing);
    publishing = true;
    // The row never claims bytes that are not on disk: they are synced first, off this
    // thread (a worker's: other transfers' connections run on it).
    auto synced = [this, sha256](bool ok) {
        if (!publishing || done)
            return; // stopped meanwhile: the complete .part is resumed (and published) later
        if (!ok) {
            fail(stream->error());
            return;
        }
        saveFactsThenRename(sha256);
    };
    if (!stream->syncInBackground(synced)) // a checkpoint's sync still runs: wait here
        synced(stream->sync());
}

void HttpDownload::Private::saveFactsThenRename(const QByteArray &sha256)
{
    if (!storage || record.id <= 0) {
        rename(sha256);
        return;
    }
    record.sha256 = QString::fromLatin1(sha256.toHex());
    // What the file is just before the rename: after a kill between the rename and the
    // Completed row, the next run knows the file in place by these facts (publishedBeforeKill).
    record.published = fileFacts(stream->tempPath());
    fillRecord();
    storage->saveDownloadStateDurably(record, q, [this, sha256](const Error &error) {
        if (!publishing || done)
            return; // stopped meanwhile: the complete .part is resumed (and published) later
        if (error.isError()) // the file is good: without the facts a kill costs a download
            Q_EMIT q->message(tr("Could not save the download state: %1").arg(error.message));
        rename(sha256);
    });
}

void HttpDownload::Private::rename(const QByteArray &sha256)
{
    publishing = false;
    renaming = true; // a stop() from now on lets the rename end: the file is complete
    const bool started = stream->publishInBackground([this, sha256](bool ok) {
        renaming = false;
        if (done)
            return;
        if (!ok)
            fail(stream->error());
        else
            completed(sha256);
    });
    if (!started) {
        renaming = false;
        fail(stream->error());
    }
}

void HttpDownload::Private::completed(const QByteArray &sha256)
{
    record.sha256 = QString::fromLatin1(sha256.toHex());
    record.setState(TransferState::Completed);
    record.completed = QDateTime::currentDateTimeUtc();
    saveRecord();
    if (storage && record.id > 0)
        storage->setState(record.id, TransferState::Completed);
    TransferResult result;
    result.id = record.id;
    result.path = destination;
    result.size = total;
    result.sha256Hex = sha256.toHex();
    result.droppedMirrors = mirrors.dropped();
    result.rowStored = storage && record.id > 0;
    finish(result);
    emitProgress(); // after finish(): a stop() from its listener finds the download done
}

void HttpDownload::Private::fail(const Error &error)
{
    if (done)
        return;
    verifying = publishing = false;
    stopEverything();
    TransferResult result;
    result.id = record.id;
    result.error = error;
    result.droppedMirrors = mirrors.dropped();
    const qint64 kept = planned ? planner.doneBytes() : 0;
    // Keep the partial data only when a re-run can use it: never wrong bytes, never nothing.
    const bool keep = stream && kept > 0 && error.code != ErrorCode::Integrity &&
                      error.code != ErrorCode::InvalidArgument;
    closePartial(keep, kept, result);
    // InUse: the row is the other process's, which is still running it.
    if (storage && record.id > 0 && error.code != ErrorCode::InUse) {
        record.setState(TransferState::Failed, error);
        if (keep)
            saveRecord();
        storage->setState(record.id, TransferState::Failed, error);
    }
    finish(result);
}

void HttpDownload::Private::closePartial(bool keep, qint64 kept, TransferResult &result)
{
    if (!stream)
        return;
    if (keep) {
        persistProgress();
        stream->close();
        result.path = stream->tempPath();
        result.size = kept;
    } else {
        stream->discard();
    }
}

void HttpDownload::Private::stop()
{
    if (done || renaming)
        return; // renaming: the file is complete, the rename's end finishes the download
    // A running check's result is ignored, a durable save's too; a re-run does them again.
    verifying = publishing = false;
    stopEverything();
    TransferResult result;
    result.id = record.id;
    result.error = Error{ErrorCode::Cancelled, tr("Stopped; the download can be resumed."), 0, -1};
    const qint64 kept = planner.doneBytes();
    // The offsets are saved; the state is the queue's to say (paused, or still due after a
    // shutdown).
    closePartial(kept > 0, kept, result);
    finish(result);
}

void HttpDownload::Private::finish(const TransferResult &result)
{
    if (done)
        return;
    done = true;
    q->finish(result);
}

HttpDownload::HttpDownload(const DownloadRequest &request, HttpClient *network,
                           ResumeStorage *storage, QObject *parent)
    : Transfer(request.storeId, parent),
      d(std::make_unique<Private>(this, request, network, storage))
{
}

HttpDownload::~HttpDownload()
{
    if (d->started && !d->done)
        d->stop(); // keep the resume state of a download destroyed while running
}

const DownloadRequest &HttpDownload::request() const
{
    return d->request;
}

void HttpDownload::setSharedRateLimiter(std::shared_ptr<RateLimiter> limiter)
{
    d->sharedLimiter = std::move(limiter);
}

void HttpDownload::setStoredRow(const TransferRecord &row)
{
    d->storedRow = row;
}

void HttpDownload::setRateLimit(qint64 bytesPerSecond)
{
    d->ownLimiter.setRate(bytesPerSecond); // the limiter locks itself
    // The pump timer lives on the download's thread: start it there.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (d->started && !d->done && d->ownLimiter.isLimited())
                d->pumpTimer->start();
        },
        Qt::QueuedConnection);
}

void HttpDownload::startTransfer()
{
    d->start();
}

void HttpDownload::stopTransfer()
{
    d->stop();
}

} // namespace bt

#include "transfer/HttpDownload.h"

#include "http/CookieFile.h"
#include "io/BTFileStream.h"
#include "store/TransferStore.h"
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
    return request.connections > 0 ? request.connections : 1;
}
} // namespace

HttpDownload::Private::Private(HttpDownload *q, const DownloadRequest &request,
                               QNetworkAccessManager *network, TransferStore *store)
    : q(q), request(request), network(network), store(store), ownLimiter(request.rateLimit),
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
    QObject::connect(progressTimer, &QTimer::timeout, q, [this] { emitProgress(); });
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
    NetworkSetup::ensureSystemProxy();
    if (const Error bad = NetworkSetup::checkHttpUrl(request.url); bad.isError()) {
        fail(bad);
        return;
    }
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
    if (!openStore())
        return;
    // A resume asks the address the redirects ended at last time (openStore() took it from the
    // store); if that fails (an expired signed URL), onFailed() goes back to request.url once.
    if (!planned || !finalUrl.isValid())
        finalUrl = request.url;
    if (planned) { // resuming from the store's segments
        Q_EMIT q->message(tr("Resuming %1 at %2 of %3 bytes.")
                              .arg(destination)
                              .arg(planner.doneBytes())
                              .arg(total));
        if (planner.allComplete()) {
            finalize();
            return;
        }
        startTimers();
        ensureConnections();
        return;
    }
    startProbe();
}

bool HttpDownload::Private::openStore()
{
    const QString directory = DestinationResolver::directoryOf(request);
    if (!store)
        return true;
    std::optional<TransferRecord> found;
    if (request.storeId > 0) {
        // The caller's row (the queue's): used as it is, never duplicated.
        found = store->load(request.storeId);
        if (!found) {
            fail(Error{ErrorCode::Store,
                       tr("There is no transfer %1 in the transfer database.").arg(request.storeId),
                       0, -1});
            return false;
        }
    } else {
        // Even without resume: the row of the same request is reused, its data is not.
        found = store->findDownload(request.url, directory, request.fileName);
    }
    // The state column is the queue's too (asked again, it marks the row Queued/Active, maybe
    // before this reads it); `completed` is set only by a finished run and cleared when one
    // starts over, so it tells a complete row whatever the state says.
    const auto wasCompleted = [](const TransferRecord &r) {
        return r.state == TransferState::Completed || r.completed.isValid();
    };
    if (found && wasCompleted(*found)) {
        const QFileInfo info(found->destination);
        const bool intact =
            !found->destination.isEmpty() && info.isFile() && info.size() == found->totalSize;
        if (intact && request.resume) {
            finishAlreadyComplete(*found);
            return false;
        }
        if (intact && request.storeId <= 0)
            found.reset(); // asked again without resume: a new row, the old one is history
    }
    if (found && request.resume && !wasCompleted(*found) && publishedBeforeKill(*found)) {
        finishAlreadyComplete(*found);
        return false;
    }
    Error error;
    if (found && request.resume && !wasCompleted(*found) && !found->destination.isEmpty() &&
        QFileInfo::exists(found->destination + QStringLiteral(".part")) && found->totalSize != 0) {
        record = *found;
        destination = record.destination;
        total = record.totalSize;
        etag = record.etag;
        lastModified = record.lastModified;
        if (record.finalUrl.isValid())
            finalUrl = record.finalUrl;
        rangesOk = true;
        planner.restore(record.segments, total);
        if (!openStream(false, &error)) {
            fail(error);
            return false;
        }
        planned = true;
        record.state = TransferState::Active;
        saveRecord();
        return true;
    }
    if (found) {
        // Start this row over: its partial goes, its name may be used again (never a file
        // someone else put there since).
        record = *found;
        if (!record.destination.isEmpty()) {
            QFile::remove(record.destination + QStringLiteral(".part"));
            const QFileInfo info(record.destination);
            const bool ours = !info.exists() || (wasCompleted(record) && info.isFile() &&
                                                 info.size() == record.totalSize);
            if (ours)
                reusable = record.destination;
        }
    } else {
        record = TransferRecord{};
        record.added = QDateTime::currentDateTimeUtc();
        record.url = request.url;
        record.directory = directory;
        record.requestedName = request.fileName;
    }
    record.direction = TransferDirection::Download;
    record.state = TransferState::Active;
    record.destination.clear();
    record.finalUrl.clear();
    record.totalSize = -1;
    record.doneSize = 0;
    record.segments.clear();
    record.etag.clear();
    record.lastModified.clear();
    record.sha256.clear();
    record.completed = QDateTime();
    record.errorCode = 0;
    record.lastError.clear();
    if (!request.checksums.isEmpty()) {
        const http::DigestValue &c = request.checksums.first();
        record.expectedChecksum = http::algorithmName(c.algorithm).remove(QLatin1Char('-')) +
                                  QLatin1Char('=') + QString::fromLatin1(c.digest.toHex());
    }
    const bool ok =
        record.id > 0 ? store->updateDownloadState(record, &error) : store->insert(record, &error);
    if (!ok) {
        fail(error.isError()
                 ? error
                 : Error{ErrorCode::Store, tr("Cannot write to the transfer store."), 0, -1});
        return false;
    }
    return true;
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
    options.preallocate = (truncate && total > 0) ? total : -1;
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

void HttpDownload::Private::saveRecord()
{
    if (!store || record.id <= 0)
        return;
    record.destination = destination;
    record.finalUrl = finalUrl;
    record.totalSize = total;
    record.etag = etag;
    record.lastModified = lastModified;
    record.segments = planned ? planner.states() : QList<SegmentState>{};
    record.doneSize = planned ? planner.doneBytes() : 0;
    record.updated = QDateTime::currentDateTimeUtc();
    Error error;
    // Only the engine's columns: priority and position belong to the queue.
    if (!store->updateDownloadState(record, &error))
        Q_EMIT q->message(tr("Could not save the download state: %1").arg(error.message));
}

void HttpDownload::Private::persistProgress()
{
    if (!stream || !planned)
        return;
    // Offsets first captured, then the data synced, then the offsets stored: the store never
    // claims a byte that is not on disk.
    const QList<SegmentState> states = planner.states();
    if (!stream->sync())
        return; // errorOccurred reports it
    if (!store || record.id <= 0)
        return;
    qint64 doneSize = 0;
    for (const SegmentState &s : states)
        doneSize += s.done;
    Error error;
    if (!store->updateProgress(record.id, doneSize, states, &error))
        Q_EMIT q->message(tr("Could not save the download state: %1").arg(error.message));
}

void HttpDownload::Private::persistProgressInBackground()
{
    if (!stream || !planned)
        return;
    // As persistProgress(), but the fdatasync runs beside the writer: this thread keeps
    // reading the network meanwhile (a sync of a second's data can take a few 100 ms).
    // Skipped while the previous one still runs.
    const QList<SegmentState> states = planner.states();
    stream->syncInBackground([this, states](bool ok) {
        if (!ok || done || !store || record.id <= 0)
            return; // an error reaches fail() through errorOccurred
        qint64 doneSize = 0;
        for (const SegmentState &s : states)
            doneSize += s.done;
        Error error;
        if (!store->updateProgress(record.id, doneSize, states, &error))
            Q_EMIT q->message(tr("Could not save the download state: %1").arg(error.message));
    });
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
    // Hashing a big file takes seconds: off the worker thread, which other transfers share.
    verifying = true;
    const QByteArray known = stream->hashValid() ? stream->sha256() : QByteArray();
    auto outcome = std::make_shared<std::pair<Error, QByteArray>>();
    QThread *thread = QThread::create([path = stream->tempPath(), known, digests = serverDigests,
                                       sums = request.checksums, outcome] {
        outcome->first = DownloadVerifier::verify(path, known, digests, sums, &outcome->second);
    });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    QObject::connect(thread, &QThread::finished, q, [this, outcome] {
        if (!verifying || done)
            return; // stopped or failed meanwhile
        verifying = false;
        if (outcome->first.isError())
            fail(outcome->first);
        else
            publish(outcome->second);
    });
    thread->start();
}

// The row's file is in place and complete: finished() at once (the caller tells the person),
// the row saying Completed again if the queue or a kill left it otherwise.
void HttpDownload::Private::finishAlreadyComplete(const TransferRecord &row)
{
    record = row;
    if (record.state != TransferState::Completed) {
        record.state = TransferState::Completed;
        if (!record.completed.isValid())
            record.completed = QDateTime::currentDateTimeUtc();
        record.errorCode = 0;
        record.lastError.clear();
        Error error;
        if (!store->updateDownloadState(record, &error))
            Q_EMIT q->message(tr("Could not save the download state: %1").arg(error.message));
    }
    TransferResult result;
    result.id = record.id;
    result.path = record.destination;
    result.size = record.totalSize;
    result.sha256Hex = record.sha256.toLatin1();
    result.alreadyComplete = true;
    finish(result);
}

// publish() stores the verified hash before the rename: a kill between the rename and the
// row's Completed leaves no .part, and the file in place with that hash is this download's.
bool HttpDownload::Private::publishedBeforeKill(const TransferRecord &row) const
{
    if (row.sha256.isEmpty() || row.destination.isEmpty() || row.totalSize < 0 ||
        QFileInfo::exists(row.destination + QStringLiteral(".part")))
        return false;
    const QFileInfo info(row.destination);
    if (!info.isFile() || info.size() != row.totalSize)
        return false;
    Error error;
    const QByteArray hash =
        BTFileStream::hashFile(row.destination, QCryptographicHash::Sha256, &error);
    return !error.isError() && QString::fromLatin1(hash.toHex()) == row.sha256;
}

void HttpDownload::Private::publish(const QByteArray &sha256)
{
    record.sha256 = QString::fromLatin1(sha256.toHex());
    if (stream->sync()) // the row never claims bytes that are not on disk
        saveRecord();
    if (!stream->publish()) {
        fail(stream->error());
        return;
    }
    record.state = TransferState::Completed;
    record.sha256 = QString::fromLatin1(sha256.toHex());
    record.completed = QDateTime::currentDateTimeUtc();
    record.errorCode = 0;
    record.lastError.clear();
    saveRecord();
    emitProgress();
    TransferResult result;
    result.id = record.id;
    result.path = destination;
    result.size = total;
    result.sha256Hex = sha256.toHex();
    finish(result);
}

void HttpDownload::Private::fail(const Error &error)
{
    if (done)
        return;
    verifying = false;
    stopEverything();
    TransferResult result;
    result.id = record.id;
    result.error = error;
    const qint64 kept = planned ? planner.doneBytes() : 0;
    // Keep the partial data only when a re-run can use it: never wrong bytes, never nothing.
    const bool keep = stream && kept > 0 && error.code != ErrorCode::Integrity &&
                      error.code != ErrorCode::InvalidArgument;
    closePartial(keep, kept, result);
    if (store && record.id > 0) {
        if (keep)
            saveRecord();
        record.state = TransferState::Failed;
        record.errorCode = int(error.code);
        record.lastError = error.message;
        store->setState(record.id, TransferState::Failed, error);
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
    if (done)
        return;
    verifying = false; // a running check's result is ignored; a re-run verifies again
    stopEverything();
    TransferResult result;
    result.id = record.id;
    result.error = Error{ErrorCode::Cancelled, tr("Stopped; the download can be resumed."), 0, -1};
    const qint64 kept = planner.doneBytes();
    closePartial(kept > 0, kept, result);
    if (store && record.id > 0) {
        record.state = TransferState::Paused;
        store->setState(record.id, TransferState::Paused, result.error);
    }
    finish(result);
}

void HttpDownload::Private::finish(const TransferResult &result)
{
    if (done)
        return;
    done = true;
    // Queued: a caller that connects after start() (or waits on a spy) still sees it.
    QMetaObject::invokeMethod(
        q, [q = q, result] { Q_EMIT q->finished(result); }, Qt::QueuedConnection);
}

HttpDownload::HttpDownload(const DownloadRequest &request, QNetworkAccessManager *network,
                           TransferStore *store, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, request, network, store))
{
    qRegisterMetaType<bt::TransferProgress>();
    qRegisterMetaType<bt::TransferResult>();
    qRegisterMetaType<bt::Error>();
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

qint64 HttpDownload::id() const
{
    return d->record.id;
}

void HttpDownload::setSharedRateLimiter(std::shared_ptr<RateLimiter> limiter)
{
    d->sharedLimiter = std::move(limiter);
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

void HttpDownload::start()
{
    d->start();
}

void HttpDownload::stop()
{
    d->stop();
}

} // namespace bt

#pragma once

#include "http/DigestHeader.h"
#include "http/RetryPolicy.h"
#include "model/TransferRecord.h"
#include "transfer/AdaptiveConnections.h"
#include "transfer/HttpDownload.h"
#include "transfer/MirrorSet.h"
#include "transfer/PieceTracker.h"
#include "transfer/RateLimiter.h"
#include "transfer/ResumeStorage.h"
#include "transfer/ResumeValidator.h"
#include "transfer/SegmentPlanner.h"
#include "transfer/SpeedMeter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QSet>
#include <QTimer>
#include <optional>

namespace bt {

class BTFileStream;
class HttpClient;
class SegmentDownloader;

// The state of one HttpDownload (private to core/transfer). HttpDownload.cpp holds the life
// cycle (store, finish, stop, durability); HttpDownloadConnections.cpp the connections
// (probe, answers, segments, retries, adaptive count).
class HttpDownload::Private
{
public:
    Private(HttpDownload *q, const DownloadRequest &request, HttpClient *network,
            ResumeStorage *storage);

    // Life cycle (HttpDownload.cpp)
    void start();
    void begin(const std::optional<TransferRecord> &row); // start()'s rest, with the row
    void stop();
    // false when finished already (complete, or no such row)
    bool openRecord(const std::optional<TransferRecord> &row);
    bool openStream(bool truncate, Error *error);
    void persistProgress();             // sync the data, then store the offsets (that order)
    void persistProgressInBackground(); // the same without waiting for the disk
    void finalize();                    // verify (on a thread), then publish()
    // Both persists' last step: the offsets of data already synced into the row.
    void storeProgress(const QList<SegmentState> &states);
    void finishAlreadyComplete(const TransferRecord &row);
    bool publishedBeforeKill(const TransferRecord &row) const;
    static QString fileFacts(const QString &path); // "SIZE INODE MTIME_NS", empty if none
    // The end of finalize(): publish, or fail with what the check found (once, if still due).
    void verified(const Error &error, const QByteArray &sha256);
    // publish: sync the data, store the facts durably, rename into place, mark complete; each
    // step on a later turn, the disk's work on a disk thread.
    void publish(const QByteArray &sha256);
    void saveFactsThenRename(const QByteArray &sha256);
    void rename(const QByteArray &sha256);
    void completed(const QByteArray &sha256);
    void fail(const Error &error);
    // The partial file after a stop or failure: with `keep`, closed with its progress saved
    // for a re-run (`result` names it, `kept` bytes); else deleted.
    void closePartial(bool keep, qint64 kept, TransferResult &result);
    void finish(const TransferResult &result);
    void emitProgress();
    void fillRecord(); // the engine's columns of `record` from the state now
    void saveRecord(); // fillRecord(), then to the storage
    static bool sameDownloadState(const TransferRecord &a, const TransferRecord &b);
    void startTimers();
    void stopEverything(); // connections and timers, not the stream

    // Connections (HttpDownloadConnections.cpp)
    SegmentDownloader *connection(); // an idle one or a new one
    void startProbe(SegmentDownloader *dl = nullptr);
    void startSegment(SegmentDownloader *dl, int index);
    void onHeaders(SegmentDownloader *dl);
    void plan(SegmentDownloader *dl, const ResumeValidator::Result &result);
    void restartFromZero(const QString &reason, SegmentDownloader *adopt,
                         const ResumeValidator::Result &adopted = {}, bool inconsistent = false);
    void onSegmentFinished(SegmentDownloader *dl);
    void onFailed(SegmentDownloader *dl, const Error &error);
    void retryConnection(SegmentDownloader *dl);
    void ensureConnections();
    void tune();
    void pumpAll();
    int busyCount() const;
    bool multiSegment() const;

    // Mirrors and piece hashes (HttpDownloadMirrors.cpp)
    void setUpPieces(bool resumed);                     // once the size is known
    QUrl requestUrl(SegmentDownloader *dl, bool probe); // the mirror this request goes to
    void releaseMirror(SegmentDownloader *dl);          // its request ended or was aborted
    // A connection's error or unusable answer with more than one mirror: the mirror is
    // counted or dropped and the segment goes elsewhere. False: not handled (one mirror).
    bool mirrorFailed(SegmentDownloader *dl, const Error &error, bool unusable);
    // MirrorSet dropped `mirror`: say so, and its connections (but `except`) go elsewhere;
    // after bad data, without their pieces in progress.
    void mirrorDropped(int mirror, const QString &reason, SegmentDownloader *except,
                       bool sentBadData);
    void releaseSegment(SegmentDownloader *dl); // its segment is free again (if it owns it)
    void redispatch(SegmentDownloader *dl);     // on the next turn, to whichever mirror is best
    void noteBytes(SegmentDownloader *dl, qint64 bytes);
    void checkPieces(); // hash the pieces that are complete (off the worker thread)
    void piecesChecked(const QList<PieceTracker::Verdict> &verdicts, const Error &error);
    void maybeFinalize(); // finalize() once every piece is checked
    QList<SegmentState> checkpointStates() const;
    // RFC 6249: the mirrors a server names (Link: rel=duplicate) in answer to the probe.
    void addDuplicates(SegmentDownloader *probe, const ResponseInfo &info);

    HttpDownload *q;
    DownloadRequest request;
    HttpClient *network;
    ResumeStorage *storage;                  // none: nothing is kept for a resume
    std::optional<TransferRecord> storedRow; // setStoredRow(): no read of the row at start
    std::shared_ptr<RateLimiter> sharedLimiter;
    RateLimiter ownLimiter;
    QList<QNetworkCookie> cookies;
    QNetworkCookieJar *cookieJar = nullptr; // the download's cookies, shared by its connections

    TransferRecord record;
    BTFileStream *stream = nullptr;
    SegmentPlanner planner;
    QList<SegmentDownloader *> connections;
    QHash<int, ResumeValidator::Expectation> expectations; // by slot
    QSet<int> waiting;                                     // slots waiting to retry
    http::RetryPolicy retry;
    AdaptiveConnections adaptive;
    SpeedMeter speed;
    QElapsedTimer clock;
    QTimer *progressTimer;
    QTimer *syncTimer;
    QTimer *tuneTimer;
    QTimer *pumpTimer;

    QString destination;
    QString reusable; // our own completed file from an earlier run: may be replaced
    QUrl finalUrl;
    bool triedOriginalUrl = false; // a resume from the stored final URL fell back once
    qint64 total = -1;
    QByteArray etag;
    QByteArray lastModified;
    QList<http::DigestValue> serverDigests;
    bool rangesOk = false;
    bool planned = false;  // stream open, segments known
    bool fallback = false; // ranges proved unreliable: one plain GET
    int restarts = 0;
    qint64 mostEverHeld = 0;   // the most bytes the download ever had: more is progress
    bool verifyingEnd = false; // asking what follows an unknown-size body's last byte
    bool endVerified = false;
    qint64 blockedSince = -1; // the stream is full since (clock ms), -1 when not
    qint64 blockedMs = 0;     // time spent waiting for the disk since the last tune()
    bool verifying = false;
    bool publishing = false; // syncing, then waiting for the durable save before the rename
    bool renaming = false;   // the rename into place runs on a disk thread
    bool started = false;
    bool done = false;
    int nextSlot = 0;

    MirrorSet mirrors;        // request.url first, then request.mirrors
    PieceTracker pieces;      // request.pieces once the size is known
    QHash<int, int> mirrorOf; // by slot: the mirror its request goes to
    int probeMirror = 0;
    bool checkingPieces = false; // a hash job runs
    int pieceGeneration = 0;     // a check of an older generation's bytes is ignored
};

} // namespace bt

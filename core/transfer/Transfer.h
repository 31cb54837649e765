#pragma once

#include "Error.h"
#include "model/TransferPhase.h"
#include "model/TransferRecord.h"
#include "model/UploadPart.h"

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <memory>

namespace bt {

class RateLimiter;

// A snapshot for listeners, sent about 4 times a second (never per packet).
struct TransferProgress
{
    qint64 id = 0;
    qint64 done = 0;
    qint64 total = -1; // -1 while unknown
    qint64 speed = 0;  // bytes per second, moving average
    qint64 etaSeconds = -1;
    int connections = 0;
    QString fileName; // final path once known
    // Downloads, once the server has answered: the URL after redirects and the validators
    // (empty when the server sent none), so that a view can show them while it runs.
    QUrl finalUrl;
    QByteArray etag;
    QByteArray lastModified;
    QList<SegmentState> segments; // the ranges and what of each has arrived
    QList<UploadPart> parts;      // a multipart upload's parts (S3), in order
};

// The one result path (KJob style): emitted once, at the end, whatever happened.
struct TransferResult
{
    Error error;   // code None on success
    qint64 id = 0; // the store row
    QString path;  // final path (success) or the .part path kept for a resume
    qint64 size = 0;
    QByteArray sha256Hex;
    bool alreadyComplete = false; // nothing was transferred: it was complete already
    QStringList droppedMirrors;   // "URL: why" of each mirror given up on (metalink)
    // Success: the transfer handed its row's result (path, size, digest, completed) to the
    // storage itself, so the queue need not write it again.
    bool rowStored = false;
};

// One transfer of any kind (HttpDownload, the uploads; later S3, FTP...), the life cycle they
// all share, as KDE's KJob: start() once and it never blocks; stop() keeps what a resume
// needs, cancel() also undoes what the server holds; exactly one finished(), always on a
// later event-loop turn (never from inside start()), whatever happened, a stop before the
// start included; the phase it is in, said by the transfer itself. A transfer lives on one
// thread (a worker's: made on the queue's thread, then moved) and is driven there by queued
// calls; setRateLimit() may come from any thread.
class Transfer : public QObject
{
    Q_OBJECT
public:
    // `id`: its store row (0: none, nothing kept for a resume).
    explicit Transfer(qint64 id, QObject *parent = nullptr);
    ~Transfer() override;

    qint64 id() const { return m_id; }
    TransferPhase phase() const { return m_phase; }
    // While Retrying: when the next attempt starts (QDateTime ms since the epoch), else -1.
    qint64 nextAttemptMs() const { return m_nextAttemptMs; }
    bool isFinished() const { return m_finished; }

    // A limiter shared with other transfers (the queue's global limit). Before start().
    virtual void setSharedRateLimiter(std::shared_ptr<RateLimiter> limiter) = 0;
    // This transfer's own limit (bytes per second, 0 = unlimited). Thread-safe.
    virtual void setRateLimit(qint64 bytesPerSecond) = 0;

public Q_SLOTS:
    void start();
    // Pause, SIGINT, SIGTERM, shutdown: flush, keep the resume state, then finished() with
    // ErrorCode::Cancelled.
    void stop();
    // A person cancels: as stop(), and undo what the server holds where that means something
    // (a tus upload is terminated).
    void cancel();

Q_SIGNALS:
    void phaseChanged(bt::TransferPhase phase);
    void progress(const bt::TransferProgress &progress);
    void message(const QString &text); // a log line for people: retries, fallbacks, resumes
    // A transient error: the next attempt starts in `delayMs` (phase Retrying).
    void retrying(const bt::Error &error, qint64 delayMs, int attempt, int maxAttempts);
    void finished(const bt::TransferResult &result);

protected:
    virtual void startTransfer() = 0;
    virtual void stopTransfer() = 0;                  // ends with finish()
    virtual void cancelTransfer() { stopTransfer(); } // ends with finish()

    void setPhase(TransferPhase phase);
    // Phase Retrying, the retrying() signal, and when the next attempt starts.
    void announceRetry(const Error &error, qint64 delayMs, int attempt, int maxAttempts);
    // The one result: the phase Done, Failed or Stopped now, finished() on the next turn.
    // Later calls are ignored.
    void finish(TransferResult result);

private:
    qint64 m_id;
    TransferPhase m_phase = TransferPhase::Waiting;
    qint64 m_nextAttemptMs = -1;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace bt

Q_DECLARE_METATYPE(bt::TransferProgress)
Q_DECLARE_METATYPE(bt::TransferResult)
Q_DECLARE_METATYPE(bt::TransferPhase)

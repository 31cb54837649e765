#pragma once

#include "Error.h"
#include "model/DownloadRequest.h"
#include "model/TransferRecord.h"
#include "queue/TransferSnapshot.h"

#include <QList>
#include <QObject>
#include <QString>
#include <optional>

namespace bt {

// What a window sees of a queue and asks of it: rows as snapshots and records, commands on
// ids, and the signals that keep a model current. The local QueueManager is one; a daemon
// driven over aria2's JSON-RPC (rpc/RemoteQueue) is the other, so that the same model, views
// and actions work on either. What a daemon cannot do from here (uploads of this machine's
// files, deleting files, retrying, opening files) is asked with supports(); the after-download
// actions, the speed limits and the schedule stay QueueManager's own.
class TransferQueue : public QObject
{
    Q_OBJECT
public:
    // How enqueue() adds requests.
    struct EnqueueOptions
    {
        int priority = 0;
        // A request that matches a stored download (same URL, folder and name) continues it.
        bool reuseExisting = true;
        // Stored Paused and never started until resume() (no moment of connecting). A matching
        // stored download that is queued or failed is paused too; a running one keeps running.
        bool startPaused = false;
    };

    // What a queue may not offer; the window disables the actions that need it.
    enum class Feature
    {
        Uploads,     // local files and folders to a target
        DeleteFiles, // remove with the files
        Retry,       // a failed transfer queued again
        LocalFiles,  // the rows' paths are on this machine (open, extract, open folder)
    };

    // Where the rows come from, and whether they are current. A lost link keeps the last rows.
    enum class Link
    {
        Local,      // this process's queue
        Connecting, // a daemon: the first answer has not come yet
        Connected,  // a daemon: the rows are current
        Lost,       // a daemon: the connection broke; the rows are the last known, retrying
        Refused,    // a daemon: the secret was refused; not retried until asked again
    };

    explicit TransferQueue(QObject *parent = nullptr) : QObject(parent) {}

    virtual bool supports(Feature feature) const = 0;
    virtual Link link() const { return Link::Local; }
    // What the window shows about the link ("Connected to host:6800", "Connection lost...").
    virtual QString linkText() const { return {}; }
    // Where downloads go when the request names no folder (a daemon's -d): empty for the local
    // queue, whose folder the settings give.
    virtual QString defaultDirectory() const { return {}; }

    // Reads: what is known now, in manual order.
    virtual QList<qint64> ids() const = 0;
    virtual std::optional<TransferSnapshot> snapshot(qint64 id) const = 0;
    virtual QList<TransferSnapshot> snapshots() const = 0;
    virtual std::optional<TransferRecord> record(qint64 id) const = 0;

    // Adds downloads. The local queue returns the ids at once (0 = failed, `error` says why);
    // a remote one returns none: added() follows once the daemon answered, commandFailed()
    // when it refused.
    virtual QList<qint64> enqueue(const QList<DownloadRequest> &requests,
                                  const EnqueueOptions &options, Error *error) = 0;

    // Commands: one id, a selection. Ids that do not apply are skipped.
    virtual void pause(const QList<qint64> &ids) = 0;
    virtual void resume(const QList<qint64> &ids) = 0; // Paused -> Queued
    virtual void cancel(const QList<qint64> &ids) = 0; // -> Failed ("cancelled"), partial kept
    virtual void retry(const QList<qint64> &ids) = 0;  // Failed or Paused -> Queued
    virtual void remove(const QList<qint64> &ids, bool deleteFiles) = 0;
    virtual void moveUp(const QList<qint64> &ids) = 0;
    virtual void moveDown(const QList<qint64> &ids) = 0;
    virtual void moveTop(const QList<qint64> &ids) = 0;
    virtual void moveBottom(const QList<qint64> &ids) = 0;
    virtual void pauseAll() { pause(ids()); }
    virtual void resumeAll() { resume(ids()); }

Q_SIGNALS:
    // The transfers that changed since the last time, about 4 times a second; many changes
    // at once (thousands of links added) come as several lists in a row.
    void snapshotsChanged(const QList<bt::TransferSnapshot> &changed);
    void added(qint64 id);
    void removed(qint64 id);
    void orderChanged();
    void message(qint64 id, const QString &text);
    void linkChanged();
    // A command the other side refused or could not take (a remote daemon's error).
    void commandFailed(const QString &text);
};

} // namespace bt

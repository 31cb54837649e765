#pragma once

#include "ProgressPrinter.h"
#include "RequestList.h"
#include "model/DownloadRequest.h"
#include "queue/QueueManager.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

namespace bt::cli {

// `btstream get`: runs the requests through a QueueManager (at most `jobs` at once, no
// per-host cap beyond that) over the transfer store, and reports through a ProgressPrinter.
// The queue holds only this run's transfers (loadExisting = false): the program's other
// transfers in the same store are left alone, while a request that matches a stored one
// continues it. Emits finished(exitCode) once every transfer has ended: the highest of their
// exit codes, 130 after a signal, once the queue has shut down (every resume state saved).
// A saved file's --extract and --on-complete (run by the queue) end before it does; their
// failure is exit code 9. Nothing here waits: the queue's open and shutdown answer by signals.
class GetCommand : public QObject
{
    Q_OBJECT
public:
    GetCommand(const RequestList &requests, const QString &dataDir, int jobs,
               ProgressPrinter *printer, QObject *parent = nullptr);
    void setProxy(const QString &proxy) { m_proxy = proxy; } // before start(); empty: environment
    // Before start(): metalinks to fetch first; their files are added to the requests.
    void setMetalinkSources(const QList<DownloadRequest> &sources) { m_metalinks = sources; }

public Q_SLOTS:
    void start();
    // SIGINT / SIGTERM: the queue stops every job (each saves its resume state and stays
    // resumable in the store), starts no other, and the command ends with 130 within 2 s.
    void interrupt();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void openQueue();
    void onMetalinkFetched(const DownloadRequest &source, const QList<DownloadRequest> &requests,
                           const QStringList &warnings, const Error &error);
    void onOpened(const Error &error);
    void enqueueSlice(const QList<int> &indexes); // m_requests' indexes
    void onShutdownFinished();
    void forgetForNoResume(const QString &dataDir);
    JobFactory jobFactory();
    void onTransferFinished(const TransferResult &result);
    void onAfterDownloadFinished(qint64 id, const AfterDownload::Result &result);
    void endTransfer(qint64 id);
    void onIdle();
    // A request that never got a transfer (store error): its result, printed at once.
    void failRequest(int index, const Error &error);
    void record(int index, const TransferResult &result);
    void finish();

    RequestList m_requests;
    QList<DownloadRequest> m_metalinks;
    QList<ProgressPrinter::Failure> m_metalinkFailures;
    QString m_dataDir;
    QString m_proxy;
    int m_jobs;
    ProgressPrinter *m_printer;
    QueueManager m_queue;
    QHash<qint64, QList<int>> m_indexesById; // a URL given twice shares its transfer
    QSet<qint64> m_pending;                  // transfers without a result yet
    QSet<qint64> m_afterDownloads;           // saved; --extract / --on-complete running
    QList<ProgressPrinter::Failure> m_failures;
    int m_succeeded = 0;
    int m_exitCode = 0;
    bool m_started = false;
    bool m_interrupted = false;
    bool m_finished = false;
};

} // namespace bt::cli

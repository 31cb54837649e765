#pragma once

#include "ProgressPrinter.h"
#include "model/UploadRequest.h"
#include "queue/QueueManager.h"

#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>

namespace bt::cli {

// `btstream put`: runs the uploads of one command (TusUpload, PutUpload, PostUpload,
// DavTreeUpload, S3Upload; several for files or a folder sent to an S3 prefix) through a
// QueueManager (enqueueUploads, as the program does) over the transfer store, and reports
// through a ProgressPrinter, each result once all have ended (the exit code is the first
// failure's). The queue holds only this run's uploads (loadExisting = false);
// running the same command again continues the stored upload of the same source, URL and
// method (a tus upload resumes at the server's offset, a complete one is reported as already
// uploaded). Credentials reach the job through the queue's memory, never the store. Emits
// finished(exitCode) once, after the queue has shut down (the store written): 130 after a
// signal.
class PutCommand : public QObject
{
    Q_OBJECT
public:
    PutCommand(const QList<UploadRequest> &requests, const QString &dataDir,
               ProgressPrinter *printer, QObject *parent = nullptr);
    ~PutCommand() override;
    void setProxy(const QString &proxy) { m_proxy = proxy; } // before start(); empty: environment

public Q_SLOTS:
    void start();
    // SIGINT / SIGTERM: the queue stops the upload (a tus upload stays resumable) and the
    // command ends with 130 within 2 s.
    void interrupt();

Q_SIGNALS:
    void finished(int exitCode);

private:
    JobFactory jobFactory() const;
    void onTransferFinished(const TransferResult &result);
    void onIdle();
    // Where the bytes of upload `index` went: the tus upload URL (kept in the store's row),
    // the PUT target, the POST form's URL, the S3 object.
    QUrl remoteUrl(int index, const QString &dataDir) const;
    void reportAll(); // every upload has its result: finish(), then report them
    void onOpened(const Error &error);
    // Shuts the queue down; onShutdownFinished() runs `report` (the results, read back from the
    // closed store) and emits finished(exitCode).
    void finish(int exitCode, std::function<void()> report = {});
    void onShutdownFinished();

    QList<UploadRequest> m_requests;
    QList<qint64> m_ids;             // the store rows, once enqueued (0: not enqueued)
    QList<TransferResult> m_results; // per request
    QList<int> m_codes;              // per request: the exit code, -1 while it runs
    QString m_dataDir;
    QString m_proxy;
    ProgressPrinter *m_printer;
    QueueManager m_queue;
    bool m_started = false;
    bool m_interrupted = false;
    bool m_finished = false;
    int m_exitCode = 0;
    std::function<void()> m_report;
};

} // namespace bt::cli

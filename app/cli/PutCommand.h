#pragma once

#include "ProgressPrinter.h"
#include "model/UploadRequest.h"
#include "queue/QueueManager.h"

#include <QObject>
#include <QString>
#include <QUrl>

namespace bt::cli {

// `btstream put`: runs one upload (TusUpload, PutUpload, PostUpload, DavTreeUpload) through a
// QueueManager (enqueueUploads, as the program does) over the transfer store, and reports
// through a ProgressPrinter. The queue holds only this run's upload (loadExisting = false);
// running the same command again continues the stored upload of the same source, URL and
// method (a tus upload resumes at the server's offset, a complete one is reported as already
// uploaded). Credentials reach the job through the queue's memory, never the store. Emits
// finished(exitCode) once: 130 after a signal.
class PutCommand : public QObject
{
    Q_OBJECT
public:
    PutCommand(const UploadRequest &request, const QString &dataDir, ProgressPrinter *printer,
               QObject *parent = nullptr);
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
    // Where the bytes went: the tus upload URL (kept in the store's row), the PUT target, or
    // the POST form's URL.
    QUrl remoteUrl(const QString &dataDir) const;
    void finish(int exitCode);

    UploadRequest m_request;
    QString m_dataDir;
    QString m_proxy;
    ProgressPrinter *m_printer;
    QueueManager m_queue;
    qint64 m_id = 0; // the store row, once enqueued
    bool m_started = false;
    bool m_interrupted = false;
    bool m_finished = false;
};

} // namespace bt::cli

#pragma once

#include "ProgressPrinter.h"
#include "model/UploadRequest.h"
#include "queue/QueueManager.h"

#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>

namespace bt::cli {

// `btstream put`: runs one upload (TusUpload, PutUpload, PostUpload, DavTreeUpload) through a
// QueueManager (enqueueUploads, as the program does) over the transfer store, and reports
// through a ProgressPrinter. The queue holds only this run's upload (loadExisting = false);
// running the same command again continues the stored upload of the same source, URL and
// method (a tus upload resumes at the server's offset, a complete one is reported as already
// uploaded). Credentials reach the job through the queue's memory, never the store. Emits
// finished(exitCode) once, after the queue has shut down (the store written): 130 after a
// signal.
class PutCommand : public QObject
{
    Q_OBJECT
public:
    PutCommand(const UploadRequest &request, const QString &dataDir, ProgressPrinter *printer,
               QObject *parent = nullptr);
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
    void onOpened(const Error &error);
    // Shuts the queue down; onShutdownFinished() runs `report` (the result, read back from the
    // closed store) and emits finished(exitCode).
    void finish(int exitCode, std::function<void()> report = {});
    void onShutdownFinished();

    UploadRequest m_request;
    QString m_dataDir;
    QString m_proxy;
    ProgressPrinter *m_printer;
    QueueManager m_queue;
    qint64 m_id = 0; // the store row, once enqueued
    bool m_started = false;
    bool m_interrupted = false;
    bool m_finished = false;
    int m_exitCode = 0;
    std::function<void()> m_report;
};

} // namespace bt::cli

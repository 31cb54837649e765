#pragma once

#include "ProgressPrinter.h"
#include "model/UploadRequest.h"

#include <QObject>
#include <QString>
#include <QUrl>

class QThread;

namespace bt::cli {

class UploadWorker;

// `btstream put`: runs one upload (TusUpload, PutUpload, PostUpload, DavTreeUpload) on a worker
// thread with its own store connection, and reports through a ProgressPrinter. Running the
// same command again continues an unfinished tus upload (the store finds it by path, size,
// mtime and endpoint). Emits finished(exitCode) once: 130 after a signal.
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
    // SIGINT / SIGTERM: the upload stops (a tus upload stays resumable) and the command ends
    // with 130 within 2 s.
    void interrupt();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onProgress(const TransferProgress &progress);
    void onFinished(const TransferResult &result, const QUrl &remoteUrl);
    void finish(int exitCode);
    void stopThread();

    UploadRequest m_request;
    QString m_dataDir;
    QString m_proxy;
    ProgressPrinter *m_printer;
    QThread *m_thread = nullptr;
    UploadWorker *m_worker = nullptr;
    qint64 m_id = 0; // the store row, once the upload has one
    bool m_interrupted = false;
    bool m_finished = false;
};

} // namespace bt::cli

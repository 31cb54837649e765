#pragma once

#include "transfer/DownloadRequest.h"
#include "transfer/HttpDownload.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QThread;
class QTimer;

namespace bt::cli {

class DownloadWorker;
class ProgressPrinter;

// `btstream get`: runs the requests one after another, each on its own worker thread, and
// reports through a ProgressPrinter. Emits finished(exitCode) once everything is done.
class GetCommand : public QObject
{
    Q_OBJECT
public:
    GetCommand(const QList<DownloadRequest> &requests, const QString &dataDir,
               ProgressPrinter *printer, QObject *parent = nullptr);
    ~GetCommand() override;

public Q_SLOTS:
    void start();
    // SIGINT / SIGTERM: stop the running download (it saves its resume state), start no other.
    void interrupt();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void startNext();
    void onFinished(const TransferResult &result);
    void stopThread();
    void finish();

    QList<DownloadRequest> m_requests;
    QString m_dataDir;
    ProgressPrinter *m_printer;
    qsizetype m_index = -1;
    QThread *m_thread = nullptr;
    QPointer<DownloadWorker> m_worker;
    QTimer *m_interruptDeadline = nullptr;
    bool m_interrupted = false;
    int m_succeeded = 0;
    int m_failed = 0;
    int m_exitCode = 0;
};

} // namespace bt::cli

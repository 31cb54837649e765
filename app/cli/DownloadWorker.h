#pragma once

#include "transfer/DownloadRequest.h"
#include "transfer/HttpDownload.h"

#include <QObject>
#include <QString>

#include <memory>

class QNetworkAccessManager;

namespace bt {
class TransferStore;
}

namespace bt::cli {

// Runs one HttpDownload on a worker thread: created on the main thread, moved to the worker
// thread, and from there owns everything the download touches (its QNetworkAccessManager and
// its own TransferStore connection), so that nothing is shared across threads. Talk to it
// with queued calls only; delete it on its thread (connect QThread::finished to deleteLater).
class DownloadWorker : public QObject
{
    Q_OBJECT
public:
    DownloadWorker(const DownloadRequest &request, const QString &dataDir,
                   QObject *parent = nullptr);
    ~DownloadWorker() override;

public Q_SLOTS:
    void start();
    void stop(); // HttpDownload::stop(): flush, sync, save the resume state

Q_SIGNALS:
    void progress(const bt::TransferProgress &progress);
    void message(const QString &text);
    void finished(const bt::TransferResult &result);

private:
    DownloadRequest m_request;
    QString m_dataDir;
    QNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<TransferStore> m_store;
    HttpDownload *m_download = nullptr;
    bool m_stopRequested = false;
    bool m_finished = false;
};

} // namespace bt::cli

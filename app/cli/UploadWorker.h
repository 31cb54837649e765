#pragma once

#include "model/UploadRequest.h"
#include "transfer/HttpDownload.h" // TransferProgress, TransferResult

#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

namespace bt {

class HttpClient;
class QueueStore;
class Upload;
} // namespace bt

namespace bt::cli {

// Runs one Upload on a worker thread: created on the main thread, moved to the worker thread,
// and from there owns everything the upload touches (its HttpClient and its own
// TransferStore connection), so that nothing is shared across threads. Talk to it with queued
// calls only; delete it on its thread (connect QThread::finished to deleteLater).
class UploadWorker : public QObject
{
    Q_OBJECT
public:
    UploadWorker(const UploadRequest &request, const QString &dataDir, QObject *parent = nullptr);
    void setProxy(const QString &proxy) { m_proxy = proxy; } // before it runs
    ~UploadWorker() override;

public Q_SLOTS:
    void start();
    void stop(); // Upload::stop(): the tus upload stays resumable

Q_SIGNALS:
    void progress(const bt::TransferProgress &progress);
    void message(const QString &text);
    // remoteUrl: where the bytes went (the tus upload URL; the PUT target), may be empty.
    void finished(const bt::TransferResult &result, const QUrl &remoteUrl);

private:
    void onFinished(const TransferResult &result);

    UploadRequest m_request;
    QString m_dataDir;
    QString m_proxy;
    HttpClient *m_network = nullptr;
    std::unique_ptr<QueueStore> m_store;
    Upload *m_upload = nullptr;
    bool m_stopRequested = false;
    bool m_finished = false;
};

} // namespace bt::cli

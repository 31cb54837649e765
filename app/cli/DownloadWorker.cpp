#include "DownloadWorker.h"

#include "store/TransferStore.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>

namespace bt::cli {

DownloadWorker::DownloadWorker(const DownloadRequest &request, const QString &dataDir,
                               QObject *parent)
    : QObject(parent), m_request(request), m_dataDir(dataDir)
{
}

DownloadWorker::~DownloadWorker()
{
    // The download uses the store and the network manager: it goes first.
    delete m_download;
    m_download = nullptr;
    m_store.reset();
    delete m_network;
}

void DownloadWorker::start()
{
    m_store = std::make_unique<TransferStore>();
    Error error;
    const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
    if (!m_store->open(dataDir, &error)) {
        TransferResult result;
        result.error = error;
        if (result.error.code == ErrorCode::None)
            result.error.code = ErrorCode::Store;
        if (result.error.message.isEmpty())
            result.error.message =
                QCoreApplication::translate("bt::cli", "cannot open the transfer database in %1")
                    .arg(dataDir);
        m_finished = true;
        Q_EMIT finished(result);
        return;
    }
    m_network = new QNetworkAccessManager(this);
    m_download = new HttpDownload(m_request, m_network, m_store.get(), this);
    connect(m_download, &HttpDownload::progress, this, &DownloadWorker::progress);
    connect(m_download, &HttpDownload::message, this, &DownloadWorker::message);
    connect(m_download, &HttpDownload::finished, this, [this](const TransferResult &result) {
        m_finished = true;
        Q_EMIT finished(result);
    });
    m_download->start();
    if (m_stopRequested && !m_finished)
        m_download->stop();
}

void DownloadWorker::stop()
{
    m_stopRequested = true;
    if (m_download && !m_finished)
        m_download->stop();
}

} // namespace bt::cli

#include "UploadWorker.h"

#include "queue/QueueStore.h"
#include "store/TransferStore.h"
#include "upload/ArchiveStream.h"
#include "upload/TusUpload.h"
#include "upload/Upload.h"
#include "upload/UploadRequestCodec.h"

#include "net/HttpClient.h"
#include <QCoreApplication>
#include <QFileInfo>

namespace bt::cli {

namespace {

// Where a PUT went: the URL, plus the file's (archive's) name when it ends with '/' (as
// PutUpload does); a tree goes into <url>/<folder>/.
QUrl putTarget(const UploadRequest &request)
{
    QUrl url = request.url;
    if (!url.path().endsWith(QLatin1Char('/')))
        return url;
    const QFileInfo info(request.sourcePath);
    QString name = request.remoteName.isEmpty() ? info.fileName() : request.remoteName;
    ArchiveStream::Format format;
    if (info.isDir() && ArchiveStream::parseFormat(request.archiveFormat, &format))
        name += ArchiveStream::extension(format);
    else if (info.isDir())
        name += QLatin1Char('/');
    url.setPath(url.path() + name);
    return url;
}

} // namespace

UploadWorker::UploadWorker(const UploadRequest &request, const QString &dataDir, QObject *parent)
    : QObject(parent), m_request(request), m_dataDir(dataDir)
{
}

UploadWorker::~UploadWorker()
{
    // The upload uses the store and the HTTP client: it goes first.
    delete m_upload;
    m_upload = nullptr;
    m_store.reset();
    delete m_network;
}

void UploadWorker::start()
{
    m_store = std::make_unique<QueueStore>();
    Error error;
    const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
    QList<TransferRecord> all;
    if (!m_store->open(dataDir, &all, &error)) {
        TransferResult result;
        result.error = error;
        if (result.error.code == ErrorCode::None)
            result.error.code = ErrorCode::Store;
        if (result.error.message.isEmpty())
            result.error.message =
                QCoreApplication::translate("bt::cli", "cannot open the transfer database in %1")
                    .arg(dataDir);
        m_finished = true;
        Q_EMIT finished(result, {});
        return;
    }
    // The row a re-run continues: the newest of this source, URL and method (the engine
    // starts it afresh when the source changed); else a new one.
    TransferRecord wanted = uploadcodec::toRecord(m_request);
    wanted.destination = QFileInfo(m_request.sourcePath).absoluteFilePath();
    for (const TransferRecord &r : std::as_const(all)) {
        if (r.direction == TransferDirection::Upload && r.url == wanted.url &&
            r.destination == wanted.destination &&
            r.options.value(QStringLiteral("method")) ==
                wanted.options.value(QStringLiteral("method")) &&
            r.id > m_request.recordId)
            m_request.recordId = r.id;
    }
    if (m_request.recordId <= 0) {
        wanted.id = m_store->newId(&error);
        wanted.state = TransferState::Active;
        m_store->insert(wanted);
        m_request.recordId = wanted.id;
    }
    m_network = new HttpClient(this);
    m_network->setProxy(m_proxy);
    m_upload = Upload::create(m_request, m_network, m_store.get(), this);
    connect(m_upload, &Upload::progress, this, &UploadWorker::progress);
    connect(m_upload, &Upload::message, this, &UploadWorker::message);
    connect(m_upload, &Upload::finished, this, &UploadWorker::onFinished);
    m_upload->start();
    if (m_stopRequested && !m_finished)
        m_upload->stop();
}

void UploadWorker::stop()
{
    m_stopRequested = true;
    if (m_upload && !m_finished)
        m_upload->stop();
}

void UploadWorker::onFinished(const TransferResult &result)
{
    m_finished = true;
    QUrl remote;
    if (const auto *tus = qobject_cast<TusUpload *>(m_upload))
        remote = tus->uploadUrl();
    else if (m_request.method == UploadRequest::Method::Put)
        remote = putTarget(m_request);
    else
        remote = m_request.url;
    Q_EMIT finished(result, remote);
}

} // namespace bt::cli

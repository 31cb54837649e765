#include "PutCommand.h"

#include "ExitCode.h"
#include "SignalBridge.h"
#include "queue/Transfers.h"
#include "store/TransferStore.h"
#include "upload/ArchiveStream.h"
#include "upload/RemoteFileUpload.h"
#include "upload/UploadRequestCodec.h"

#include <QFileInfo>

namespace bt::cli {

namespace {
// As for get: the upload gets most of the 2 s to stop and save; an alarm ends the process if
// stopping hangs (the store holds the tus upload URL from its creation on, and the server's
// offset is what a resume trusts, so that is as safe as a crash).
constexpr int StopTimeoutMs = 1400;
constexpr int InterruptDeadlineMs = 1800;

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

PutCommand::PutCommand(const QList<UploadRequest> &requests, const QString &dataDir,
                       ProgressPrinter *printer, QObject *parent)
    : QObject(parent), m_requests(requests), m_dataDir(dataDir), m_printer(printer)
{
    for (UploadRequest &r : m_requests)
        r.sourcePath = QFileInfo(r.sourcePath).absoluteFilePath();
    m_ids = QList<qint64>(m_requests.size(), 0);
    m_results = QList<TransferResult>(m_requests.size());
    m_codes = QList<int>(m_requests.size(), -1);
    connect(&m_queue, &QueueManager::snapshotsChanged, m_printer, &ProgressPrinter::update);
    connect(&m_queue, &QueueManager::message, m_printer, &ProgressPrinter::message);
    connect(&m_queue, &QueueManager::transferFinished, this, &PutCommand::onTransferFinished);
    connect(&m_queue, &QueueManager::idle, this, &PutCommand::onIdle);
    connect(&m_queue, &QueueManager::storeError, this, [this](const Error &error) {
        m_printer->message(m_ids.value(0),
                           tr("the transfer database failed: %1").arg(error.message));
    });
    connect(&m_queue, &QueueManager::opened, this, &PutCommand::onOpened);
    connect(&m_queue, &QueueManager::shutdownFinished, this, &PutCommand::onShutdownFinished);
}

PutCommand::~PutCommand() = default;

JobFactory PutCommand::jobFactory() const
{
    // The queue holds this run's upload only. A continued row holds the options of the run
    // that stored it; this run's command line is what the person asks for now (limits,
    // retries, TLS, headers). Its secrets come from the queue's memory (setUploadCredentials
    // by enqueueUploads), as for the program's uploads.
    QList<UploadRequest> requests = m_requests;
    for (UploadRequest &request : requests) {
        request.user.clear();
        request.bearerToken.clear();
        QList<QPair<QByteArray, QByteArray>> plain;
        for (const auto &h : std::as_const(request.headers))
            if (!uploadcodec::isSecretHeader(h.first))
                plain.append(h);
        request.headers = plain;
    }
    return [requests](const TransferRecord &record, const JobContext &context) -> Transfer * {
        if (record.direction != TransferDirection::Upload)
            return nullptr;
        for (const UploadRequest &request : requests) // the row's source
            if (request.sourcePath == record.destination)
                return transfers::upload(record.id, request, context); // credentials: memory
        return nullptr;
    };
}

void PutCommand::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_interrupted) {
        finish(ExitInterrupted);
        return;
    }
    const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
    m_queue.setJobFactory(jobFactory());
    m_queue.setMaxPerHost(0);
    m_queue.setProxy(m_proxy);
    QueueManager::Options options;
    options.loadExisting = false;
    options.storedRowsFor = QList<DownloadKey>{}; // uploads only: none of the stored downloads
    m_queue.open(dataDir, options);               // -> onOpened()
}

void PutCommand::onOpened(const Error &openError)
{
    if (m_finished)
        return; // interrupted while it opened
    const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
    Error error = openError;
    if (error.isError()) {
        TransferResult result;
        result.error = error;
        if (result.error.code == ErrorCode::None)
            result.error.code = ErrorCode::Store;
        result.error.message =
            error.message.isEmpty()
                ? tr("cannot open the transfer database in %1").arg(dataDir)
                : tr("cannot open the transfer database in %1: %2").arg(dataDir, error.message);
        const int code = exitCodeFor(result.error.code);
        m_printer->uploadResult(m_requests.value(0), result, {}, code);
        finish(code);
        return;
    }
    // --no-resume: a new upload (a row of its own); else the stored one of the same source.
    QueueManager::EnqueueOptions enqueue;
    enqueue.reuseExisting = m_requests.value(0).resume;
    const QList<qint64> ids = m_queue.enqueueUploads(m_requests, enqueue, &error);
    bool any = false;
    for (int i = 0; i < m_requests.size(); ++i) {
        m_ids[i] = ids.value(i);
        if (m_ids[i] > 0) {
            any = true;
            m_printer->addTransfer(m_ids[i], QFileInfo(m_requests.at(i).sourcePath).fileName());
            continue;
        }
        m_results[i].error =
            error.isError() ? error
                            : Error{ErrorCode::Store, tr("cannot add the upload to the queue")};
        m_codes[i] = exitCodeFor(m_results[i].error.code);
    }
    if (!any)
        reportAll();
}

void PutCommand::onTransferFinished(const TransferResult &result)
{
    const qsizetype index = m_ids.indexOf(result.id);
    if (m_finished || m_interrupted || result.id <= 0 || index < 0 || m_codes.at(index) >= 0)
        return;
    if (result.error.code == ErrorCode::Cancelled) {
        finish(ExitInterrupted);
        return;
    }
    m_results[index] = result;
    m_codes[index] = exitCodeFor(result.error.code);
    if (!m_codes.contains(-1))
        reportAll();
}

void PutCommand::reportAll()
{
    int code = ExitSuccess;
    for (int c : std::as_const(m_codes)) {
        if (code == ExitSuccess)
            code = c;
    }
    // Nothing runs any more: the store is written and closed before its rows are read back.
    finish(code, [this] {
        const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
        for (int i = 0; i < m_requests.size(); ++i)
            m_printer->uploadResult(m_requests.at(i), m_results.at(i),
                                    m_ids.at(i) > 0 ? remoteUrl(i, dataDir) : QUrl(),
                                    m_codes.at(i));
    });
}

void PutCommand::onIdle()
{
    if (m_finished || m_interrupted)
        return;
    // Nothing runs and nothing can start, yet an upload never reported (its row could not be
    // stored): do not wait for it.
    for (int i = 0; i < m_requests.size(); ++i) {
        if (m_ids.at(i) <= 0 || m_codes.at(i) >= 0)
            continue;
        TransferResult result;
        result.id = m_ids.at(i);
        result.error = {ErrorCode::InvalidArgument, tr("the upload could not be started")};
        if (const auto snapshot = m_queue.snapshot(m_ids.at(i));
            snapshot && snapshot->lastError.isError())
            result.error = snapshot->lastError;
        onTransferFinished(result);
    }
}

QUrl PutCommand::remoteUrl(int index, const QString &dataDir) const
{
    const UploadRequest &request = m_requests.at(index);
    if (request.method == UploadRequest::Method::Put)
        return putTarget(request);
    if (request.method == UploadRequest::Method::Post)
        return request.url;
    if (request.method == UploadRequest::Method::Ftp)
        return RemoteFileUpload::targetUrl(request.url, request.remoteName.isEmpty()
                                                            ? putTarget(request).fileName()
                                                            : request.remoteName);
    if (request.method == UploadRequest::Method::S3) {
        // The object: s3://BUCKET/KEY, a prefix completed with the file's name (as S3Upload).
        QUrl url = request.url;
        QString path = url.path();
        if (path.isEmpty() || path.endsWith(QLatin1Char('/')))
            path += request.remoteName.isEmpty() ? QFileInfo(request.sourcePath).fileName()
                                                 : request.remoteName;
        if (!path.startsWith(QLatin1Char('/')))
            path.prepend(QLatin1Char('/'));
        url.setPath(path);
        return url;
    }
    // tus: the upload URL the engine stored in the row (created by this run or an earlier
    // one); the queue carries no field for it. One read, after the queue has closed.
    TransferStore store;
    if (!store.open(dataDir))
        return {};
    const std::optional<TransferRecord> row = store.load(m_ids.at(index));
    return row && !row->uploadUrl.isEmpty() ? QUrl(row->uploadUrl) : QUrl();
}

void PutCommand::interrupt()
{
    if (m_interrupted || m_finished)
        return;
    m_interrupted = true;
    SignalBridge::armExitDeadline(InterruptDeadlineMs, ExitInterrupted,
                                  m_printer->interruptedText());
    finish(ExitInterrupted); // a tus upload keeps its URL and offset in the store
}

void PutCommand::finish(int exitCode, std::function<void()> report)
{
    if (m_finished)
        return;
    m_finished = true;
    m_exitCode = exitCode;
    m_report = std::move(report);
    m_queue.shutdown(StopTimeoutMs); // -> onShutdownFinished()
}

void PutCommand::onShutdownFinished()
{
    if (!m_finished)
        return;
    if (m_report)
        m_report();
    if (m_exitCode == ExitInterrupted)
        m_printer->interrupted();
    m_printer->finish();
    Q_EMIT finished(m_exitCode);
}

} // namespace bt::cli

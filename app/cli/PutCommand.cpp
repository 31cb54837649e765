#include "PutCommand.h"

#include "ExitCode.h"
#include "SignalBridge.h"
#include "queue/Transfers.h"
#include "store/TransferStore.h"
#include "upload/ArchiveStream.h"
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

PutCommand::PutCommand(const UploadRequest &request, const QString &dataDir,
                       ProgressPrinter *printer, QObject *parent)
    : QObject(parent), m_request(request), m_dataDir(dataDir), m_printer(printer)
{
    m_request.sourcePath = QFileInfo(m_request.sourcePath).absoluteFilePath();
    connect(&m_queue, &QueueManager::snapshotsChanged, m_printer, &ProgressPrinter::update);
    connect(&m_queue, &QueueManager::message, m_printer, &ProgressPrinter::message);
    connect(&m_queue, &QueueManager::transferFinished, this, &PutCommand::onTransferFinished);
    connect(&m_queue, &QueueManager::idle, this, &PutCommand::onIdle);
    connect(&m_queue, &QueueManager::storeError, this, [this](const Error &error) {
        m_printer->message(m_id, tr("the transfer database failed: %1").arg(error.message));
    });
}

PutCommand::~PutCommand()
{
    m_queue.shutdown(StopTimeoutMs);
}

JobFactory PutCommand::jobFactory() const
{
    // The queue holds this run's upload only. A continued row holds the options of the run
    // that stored it; this run's command line is what the person asks for now (limits,
    // retries, TLS, headers). Its secrets come from the queue's memory (setUploadCredentials
    // by enqueueUploads), as for the program's uploads.
    UploadRequest request = m_request;
    request.user.clear();
    request.bearerToken.clear();
    QList<QPair<QByteArray, QByteArray>> plain;
    for (const auto &h : std::as_const(request.headers))
        if (!uploadcodec::isSecretHeader(h.first))
            plain.append(h);
    request.headers = plain;
    return [request](const TransferRecord &record, const JobContext &context) -> Transfer * {
        if (record.direction != TransferDirection::Upload)
            return nullptr;
        return transfers::upload(record.id, request, context); // the credentials from memory
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
    Error error;
    if (!m_queue.open(dataDir, options, &error)) {
        TransferResult result;
        result.error = error;
        if (result.error.code == ErrorCode::None)
            result.error.code = ErrorCode::Store;
        result.error.message =
            error.message.isEmpty()
                ? tr("cannot open the transfer database in %1").arg(dataDir)
                : tr("cannot open the transfer database in %1: %2").arg(dataDir, error.message);
        const int code = exitCodeFor(result.error.code);
        m_printer->uploadResult(m_request, result, {}, code);
        finish(code);
        return;
    }
    // --no-resume: a new upload (a row of its own); else the stored one of the same source.
    QueueManager::EnqueueOptions enqueue;
    enqueue.reuseExisting = m_request.resume;
    m_id = m_queue.enqueueUploads({m_request}, enqueue, &error).value(0);
    if (m_id <= 0) {
        TransferResult result;
        result.error = error.isError()
                           ? error
                           : Error{ErrorCode::Store, tr("cannot add the upload to the queue")};
        const int code = exitCodeFor(result.error.code);
        m_printer->uploadResult(m_request, result, {}, code);
        finish(code);
        return;
    }
    m_printer->addTransfer(m_id, QFileInfo(m_request.sourcePath).fileName());
}

void PutCommand::onTransferFinished(const TransferResult &result)
{
    if (m_finished || m_interrupted || result.id != m_id)
        return;
    if (result.error.code == ErrorCode::Cancelled) {
        finish(ExitInterrupted);
        return;
    }
    const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
    // Nothing runs any more: the store is written and closed before its row is read back.
    m_queue.shutdown(StopTimeoutMs);
    const int code = exitCodeFor(result.error.code);
    m_printer->uploadResult(m_request, result, remoteUrl(dataDir), code);
    finish(code);
}

void PutCommand::onIdle()
{
    if (m_finished || m_interrupted || m_id <= 0)
        return;
    // Nothing runs and nothing can start, yet the upload never reported (its row could not be
    // stored): do not wait for it.
    TransferResult result;
    result.id = m_id;
    result.error = {ErrorCode::InvalidArgument, tr("the upload could not be started")};
    if (const auto snapshot = m_queue.snapshot(m_id); snapshot && snapshot->lastError.isError())
        result.error = snapshot->lastError;
    onTransferFinished(result);
}

QUrl PutCommand::remoteUrl(const QString &dataDir) const
{
    if (m_request.method == UploadRequest::Method::Put)
        return putTarget(m_request);
    if (m_request.method == UploadRequest::Method::Post)
        return m_request.url;
    if (m_request.method == UploadRequest::Method::S3) {
        // The object: s3://BUCKET/KEY, a prefix completed with the file's name (as S3Upload).
        QUrl url = m_request.url;
        QString path = url.path();
        if (path.isEmpty() || path.endsWith(QLatin1Char('/')))
            path += m_request.remoteName.isEmpty() ? QFileInfo(m_request.sourcePath).fileName()
                                                   : m_request.remoteName;
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
    const std::optional<TransferRecord> row = store.load(m_id);
    return row && !row->uploadUrl.isEmpty() ? QUrl(row->uploadUrl) : QUrl();
}

void PutCommand::interrupt()
{
    if (m_interrupted || m_finished)
        return;
    m_interrupted = true;
    SignalBridge::armExitDeadline(InterruptDeadlineMs, ExitInterrupted,
                                  m_printer->interruptedText());
    m_queue.shutdown(StopTimeoutMs); // a tus upload keeps its URL and offset in the store
    finish(ExitInterrupted);
}

void PutCommand::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    if (exitCode == ExitInterrupted)
        m_printer->interrupted();
    m_queue.shutdown(StopTimeoutMs);
    m_printer->finish();
    Q_EMIT finished(exitCode);
}

} // namespace bt::cli

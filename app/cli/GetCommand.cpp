#include "GetCommand.h"

#include "ExitCode.h"
#include "MetalinkSources.h"
#include "PartName.h"
#include "SignalBridge.h"
#include "io/PartFile.h"
#include "queue/RequestCodec.h"
#include "queue/Transfers.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace bt::cli {

namespace {
// A signal must end the program within 2 s: the jobs get most of it to flush and save, and
// a last-resort alarm ends the process if stopping hangs (the store only ever holds offsets
// of synced data, so that is as safe as a crash).
constexpr int StopTimeoutMs = 1400;
constexpr int InterruptDeadlineMs = 1800;
constexpr int EnqueueSlice = 256;
} // namespace

GetCommand::GetCommand(const RequestList &requests, const QString &dataDir, int jobs,
                       ProgressPrinter *printer, QObject *parent)
    : QObject(parent), m_requests(requests), m_dataDir(dataDir), m_jobs(qMax(1, jobs)),
      m_printer(printer)
{
    m_printer->setNameUrlsInErrors(m_requests.size() > 1);
    connect(&m_queue, &QueueManager::snapshotsChanged, m_printer, &ProgressPrinter::update);
    connect(&m_queue, &QueueManager::message, m_printer, &ProgressPrinter::message);
    connect(&m_queue, &QueueManager::transferFinished, this, &GetCommand::onTransferFinished);
    connect(&m_queue, &QueueManager::afterDownloadFinished, this,
            &GetCommand::onAfterDownloadFinished);
    connect(&m_queue, &QueueManager::idle, this, &GetCommand::onIdle);
    connect(&m_queue, &QueueManager::storeError, this, [this](const Error &error) {
        // Progress may no longer be saved: say so, and let the exit code tell.
        m_printer->message(0, tr("the transfer database failed: %1").arg(error.message));
        m_exitCode = qMax(m_exitCode, int(ExitStore));
    });
    connect(&m_queue, &QueueManager::opened, this, &GetCommand::onOpened);
    connect(&m_queue, &QueueManager::shutdownFinished, this, &GetCommand::onShutdownFinished);
}

void GetCommand::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_interrupted) {
        finish();
        return;
    }
    if (m_metalinks.isEmpty()) {
        openQueue();
        return;
    }
    auto *sources = new MetalinkSources(this);
    connect(sources, &MetalinkSources::fetched, this, &GetCommand::onMetalinkFetched);
    connect(sources, &MetalinkSources::finished, this, [this, sources] {
        sources->deleteLater();
        if (m_interrupted)
            return;
        m_printer->setNameUrlsInErrors(m_requests.size() + m_metalinkFailures.size() > 1);
        if (m_requests.isEmpty()) {
            finish();
            return;
        }
        openQueue();
    });
    sources->fetch(m_metalinks, m_proxy);
}

void GetCommand::onMetalinkFetched(const DownloadRequest &source,
                                   const QList<DownloadRequest> &requests,
                                   const QStringList &warnings, const Error &error)
{
    for (const QString &warning : warnings)
        m_printer->message(0, tr("%1: %2").arg(source.url.toString(), warning));
    if (!error.isError()) {
        m_requests += requests;
        return;
    }
    // No transfer for it: its result now, its failure in the summary.
    TransferResult result;
    result.error = error;
    const int code = exitCodeFor(error.code);
    m_printer->result(source, result, code);
    m_metalinkFailures.append({source.url, error.message});
    m_exitCode = qMax(m_exitCode, code);
}

void GetCommand::openQueue()
{
    const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
    forgetForNoResume(dataDir);
    m_queue.setJobFactory(jobFactory());
    m_queue.setMaxActive(m_jobs);
    m_queue.setMaxPerHost(0); // -j is the only limit the person chose
    m_queue.setProxy(m_proxy);
    // The command's output is the person's: through, to stderr when stdout carries JSON.
    m_queue.setCommandOutput(m_printer->mode() == ProgressPrinter::Mode::Json
                                 ? AfterDownload::CommandOutput::ForwardToStderr
                                 : AfterDownload::CommandOutput::Forward);
    QueueManager::Options options;
    options.loadExisting = false;
    options.reserveIds = int(m_requests.size()); // no request waits for an id
    QList<DownloadKey> keys;
    keys.reserve(m_requests.size());
    for (qsizetype i = 0; i < m_requests.size(); ++i)
        keys.append(requestcodec::downloadKey(m_requests.at(i)));
    options.storedRowsFor = std::move(keys);
    m_queue.open(dataDir, options); // -> onOpened()
}

void GetCommand::onOpened(const Error &openError)
{
    if (m_finished)
        return; // interrupted while it opened
    const QString dataDir = m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir;
    Error error = openError;
    if (error.isError()) {
        if (error.code == ErrorCode::None)
            error.code = ErrorCode::Store;
        error.message =
            error.message.isEmpty()
                ? tr("cannot open the transfer database in %1").arg(dataDir)
                : tr("cannot open the transfer database in %1: %2").arg(dataDir, error.message);
        for (int i = 0; i < m_requests.size(); ++i)
            failRequest(i, error);
        finish();
        return;
    }

    // -d (or -o) names a folder that is not there yet: made, as wget -P and aria2c -d do.
    QList<bool> noFolder(m_requests.size(), false);
    for (int i = 0; i < m_requests.size(); ++i) {
        const QString &folder = m_requests.directory(i);
        if (QFileInfo(folder).isDir() || QDir().mkpath(folder))
            continue;
        noFolder[i] = true;
        const QFileInfo info(folder);
        failRequest(i,
                    Error{QFileInfo(info.absolutePath()).isWritable() ? ErrorCode::Io
                                                                      : ErrorCode::PermissionDenied,
                          tr("cannot create the folder %1").arg(folder)});
    }

    // Continues a stored transfer of the same URL, folder and name (resume, already complete).
    // Whole requests only for the queue, which keeps none of them, and a slice at a time:
    // 3,000 links made three lists of 3,000 at once (requests, records, the store's inserts),
    // 3.5 MB of a run's peak RSS of 32.
    QList<int> slice;
    slice.reserve(EnqueueSlice);
    for (int i = 0; i < m_requests.size(); ++i) {
        if (!noFolder.at(i))
            slice.append(i);
        if (slice.size() == EnqueueSlice || (i + 1 == m_requests.size() && !slice.isEmpty())) {
            enqueueSlice(slice);
            slice.clear();
        }
    }
    if (m_pending.isEmpty())
        finish();
}

void GetCommand::enqueueSlice(const QList<int> &indexes)
{
    QList<DownloadRequest> requests;
    requests.reserve(indexes.size());
    for (int i : indexes)
        requests.append(m_requests.at(i));
    Error error;
    const QList<qint64> added = m_queue.enqueue(requests, 0, &error, true);
    requests.clear();
    for (int k = 0; k < added.size(); ++k) {
        const int i = indexes.at(k);
        const qint64 id = added.at(k);
        if (id == 0) {
            failRequest(i, error.isError() ? error
                                           : Error{ErrorCode::Store,
                                                   tr("cannot add the download to the queue")});
            continue;
        }
        m_indexesById[id].append(i);
        m_pending.insert(id);
        m_printer->addTransfer(id, m_requests.at(i));
    }
    if (m_pending.isEmpty())
        finish();
}

void GetCommand::forgetForNoResume(const QString &dataDir)
{
    // --no-resume starts over: the saved partial and its row go first, so that the fresh
    // download takes the same name and the store keeps one row for it. A complete file is
    // the person's: only its row is forgotten.
    std::unique_ptr<TransferStore> store;
    for (qsizetype i = 0; i < m_requests.size(); ++i) {
        const DownloadRequest request = m_requests.at(i);
        if (request.resume)
            continue;
        if (!store) {
            store = std::make_unique<TransferStore>();
            if (!store->open(dataDir))
                return; // the queue's open() reports it
        }
        const DownloadKey key = requestcodec::downloadKey(request);
        const auto found = store->findDownload(key.url, key.directory, key.requestedName);
        // Another process runs it: leave it; the download then says so (exit 8).
        if (!found || partFileInUse(partPath(found->destination)))
            continue;
        if (found->state != TransferState::Completed && !found->destination.isEmpty())
            QFile::remove(partPath(found->destination));
        store->remove(found->id);
    }
}

JobFactory GetCommand::jobFactory()
{
    // The stored row of a resumed download holds the options of the run that started it;
    // this run's command line is what the person asks for now (connections, limits,
    // checksums, headers, credentials).
    // By the hash of each key (the keys themselves would be 3,000 strings kept to the end),
    // the request's own key compared on a match. The last of equal keys wins.
    const auto keyOfRequest = [](const DownloadRequest &r) {
        return requestcodec::matchKey(requestcodec::downloadKey(r));
    };
    QMultiHash<size_t, int> byKey;
    byKey.reserve(m_requests.size());
    for (int i = 0; i < m_requests.size(); ++i)
        byKey.insert(qHash(keyOfRequest(m_requests.at(i))), i);
    const RequestList requests = m_requests;
    const JobFactory fallback = transfers::standard();
    return [byKey, requests, fallback, keyOfRequest](const TransferRecord &record,
                                                     const JobContext &context) -> Transfer * {
        const QString key = requestcodec::matchKey(record);
        const size_t hash = qHash(key);
        int index = -1;
        for (auto it = byKey.constFind(hash); it != byKey.cend() && it.key() == hash; ++it) {
            if (keyOfRequest(requests.at(it.value())) == key) {
                index = it.value();
                break;
            }
        }
        if (index < 0)
            return fallback(record, context);
        DownloadRequest request = requests.at(index);
        request.resume = true; // --no-resume already dropped the saved state
        return transfers::download(record.id, request, context);
    };
}

void GetCommand::failRequest(int index, const Error &error)
{
    TransferResult result;
    result.error = error;
    record(index, result);
}

void GetCommand::record(int index, const TransferResult &result)
{
    const DownloadRequest request = m_requests.at(index);
    const int code = exitCodeFor(result.error.code);
    m_printer->result(request, result, code);
    if (code == ExitSuccess) {
        ++m_succeeded;
    } else {
        const QString message = result.error.message.isEmpty() ? errorCodeName(result.error.code)
                                                               : result.error.message;
        m_failures.append({request.url, message});
    }
    m_exitCode = qMax(m_exitCode, code);
}

void GetCommand::onTransferFinished(const TransferResult &result)
{
    // Completed, failed, or paused by the queue for a disk error (full, permission): for the
    // command line all of these are the end, the last one with the disk exit code.
    if (!m_pending.contains(result.id) || m_afterDownloads.contains(result.id))
        return;
    for (int index : m_indexesById.value(result.id))
        record(index, result);
    // Saved: its actions run now (the queue started them); the command waits for them.
    if (m_queue.isRunningAfterDownload(result.id)) {
        m_afterDownloads.insert(result.id);
        return;
    }
    endTransfer(result.id);
}

void GetCommand::onAfterDownloadFinished(qint64 id, const AfterDownload::Result &result)
{
    if (!m_afterDownloads.remove(id))
        return;
    const int code = result.ok() ? int(ExitSuccess) : int(ExitAfterDownload);
    const QList<int> indexes = m_indexesById.value(id);
    if (!indexes.isEmpty())
        m_printer->afterDownload(m_requests.at(indexes.first()), id, result, code);
    if (code != ExitSuccess) {
        for (int index : indexes) {
            --m_succeeded;
            m_failures.append({m_requests.url(index), result.errorText()});
        }
        m_exitCode = qMax(m_exitCode, code);
    }
    endTransfer(id);
}

void GetCommand::endTransfer(qint64 id)
{
    m_pending.remove(id);
    if (m_pending.isEmpty() && !m_interrupted)
        finish();
}

void GetCommand::onIdle()
{
    if (m_interrupted || m_finished || m_pending.isEmpty())
        return;
    // Nothing runs and nothing can start, yet some transfer never reported: do not wait for it.
    const QSet<qint64> left = m_pending;
    for (qint64 id : left) {
        TransferResult result;
        result.id = id;
        result.error = {ErrorCode::InvalidArgument, tr("the download could not be started")};
        if (const auto snapshot = m_queue.snapshot(id); snapshot && snapshot->lastError.isError())
            result.error = snapshot->lastError;
        onTransferFinished(result);
    }
}

void GetCommand::interrupt()
{
    if (m_interrupted || m_finished)
        return;
    m_interrupted = true;
    SignalBridge::armExitDeadline(InterruptDeadlineMs, ExitInterrupted,
                                  m_printer->interruptedText());
    finish();
}

void GetCommand::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    // Interrupted: the jobs stop and save their resume state. Else nothing runs: the store is
    // written and the threads end. Either way onShutdownFinished() ends the command.
    m_queue.shutdown(StopTimeoutMs);
}

void GetCommand::onShutdownFinished()
{
    if (!m_finished)
        return;
    if (m_interrupted) {
        m_printer->interrupted();
        m_exitCode = ExitInterrupted;
    } else if (m_requests.size() + m_metalinkFailures.size() > 1) {
        m_printer->summary(m_succeeded, m_metalinkFailures + m_failures, m_exitCode);
    }
    m_printer->finish();
    Q_EMIT finished(m_exitCode);
}

} // namespace bt::cli

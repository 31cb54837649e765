#include "DaemonCommand.h"

#include "Aria2Service.h"
#include "DaemonSettings.h"
#include "DownloadFolders.h"
#include "ExitCode.h"
#include "RpcServer.h"
#include "SignalBridge.h"
#include "queue/Transfers.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace bt::cli {

namespace {
// As GetCommand: the jobs get most of the 2 s a stop may take; an alarm ends the process if
// stopping hangs (the store only ever holds offsets of synced data).
constexpr int StopTimeoutMs = 1400;
constexpr int StopDeadlineMs = 1900;

void say(const QString &text)
{
    std::fputs(text.toLocal8Bit().append('\n').constData(), stderr);
    std::fflush(stderr);
}
} // namespace

DaemonCommand::DaemonCommand(const DaemonOptions &options, const QString &dataDir, QObject *parent)
    : QObject(parent), m_options(options), m_dataDir(dataDir)
{
    connect(&m_queue, &QueueManager::shutdownFinished, this, [this] {
        m_server.reset();
        finish(m_exitCode);
    });
}

DaemonCommand::~DaemonCommand()
{
    m_server.reset();
    if (m_queue.isOpen())
        m_queue.shutdown(StopTimeoutMs);
}

void DaemonCommand::start()
{
    const DaemonSettings settings = DaemonSettings::load();
    m_downloads = m_options.downloadDir.isEmpty() ? settings.effectiveDownloadFolder()
                                                  : m_options.downloadDir;
    const QString &downloads = m_downloads;
    if (!QFileInfo(downloads).isDir() && !QDir().mkpath(downloads)) {
        fail(ExitDisk, tr("cannot create the download folder %1").arg(downloads));
        return;
    }
    settings.applyTo(&m_queue);
    if (m_options.jobs > 0) {
        // -j N: N at once, from one server too (the settings' per-host cap follows, as the
        // desktop program keeps both equal by default).
        m_queue.setMaxActive(m_options.jobs);
        m_queue.setMaxPerHost(m_options.jobs);
    }
    m_service = std::make_unique<rpc::Aria2Service>(
        &m_queue, rpc::DownloadFolders(downloads, m_options.allowDirs));
    m_service->setSecret(m_options.secret);
    DownloadRequest defaults = settings.defaults;
    defaults.directory = downloads;
    m_service->setRequestDefaults(defaults);
    // A download runs with its stored request and what aria2.changeOption changed since.
    rpc::Aria2Service *service = m_service.get();
    const JobFactory fallback = transfers::standard();
    m_queue.setJobFactory(
        [service, fallback](const TransferRecord &record, const JobContext &context) -> Transfer * {
            if (record.direction != TransferDirection::Download)
                return fallback(record, context);
            DownloadRequest request = service->requestFor(record);
            request.rateLimit = context.rateLimit;
            return transfers::download(record.id, request, context);
        });
    connect(m_service.get(), &rpc::Aria2Service::shutdownRequested, this, &DaemonCommand::stop);
    connect(&m_queue, &QueueManager::storeError, this, [](const Error &error) {
        say(tr("btstream daemon: the transfer database failed: %1").arg(error.message));
    });
    openQueue(m_dataDir.isEmpty() ? TransferStore::defaultDataDir() : m_dataDir);
}

void DaemonCommand::openQueue(const QString &dataDir)
{
    connect(&m_queue, &QueueManager::opened, this, [this, dataDir](const Error &error) {
        if (m_stopping || m_finished)
            return; // stopped while it opened
        if (error.isError()) {
            fail(ExitStore,
                 tr("cannot open the transfer database in %1: %2").arg(dataDir, error.message));
            return;
        }
        queueOpened();
    });
    m_queue.open(dataDir); // -> opened()
}

void DaemonCommand::queueOpened()
{
    m_server = std::make_unique<rpc::RpcServer>(m_service.get());
    QString why;
    if (!m_server->listen(m_options.rpc, &why)) {
        fail(ExitNetwork, why);
        return;
    }
    const bool tls = !m_options.rpc.certificateFile.isEmpty();
    say(tr("btstream daemon: listening on %1://%2:%3/jsonrpc (downloads in %4)")
            .arg(tls ? QStringLiteral("https") : QStringLiteral("http"),
                 m_options.rpc.listenAll ? QStringLiteral("0.0.0.0") : QStringLiteral("127.0.0.1"))
            .arg(m_server->port())
            .arg(m_downloads));
    if (m_options.secret.isEmpty() && m_options.rpc.listenAll)
        say(tr("btstream daemon: warning: listening on every interface without --rpc-secret"));
    watchAllDone();
}

void DaemonCommand::watchAllDone()
{
    if (m_options.onAllDone == WhenAllDone::Action::Nothing)
        return;
    m_allDone.setNoticeMs(m_options.onAllDoneDelayMs);
    m_allDone.setAction(m_options.onAllDone, m_options.onAllDoneCommand);
    m_allDone.watch(&m_queue);
    connect(&m_allDone, &WhenAllDone::noticeStarted, this,
            [this](WhenAllDone::Action action, qint64) {
                const QString what = action == WhenAllDone::Action::Quit
                                         ? tr("quitting")
                                         : tr("running %1").arg(m_options.onAllDoneCommand);
                say(tr("btstream daemon: all transfers are done: %1 in %2 s unless new work "
                       "comes")
                        .arg(what)
                        .arg(m_options.onAllDoneDelayMs / 1000));
            });
    connect(&m_allDone, &WhenAllDone::noticeCancelled, this,
            [] { say(tr("btstream daemon: new work: the action when all is done waits")); });
    connect(&m_allDone, &WhenAllDone::commandFailed, this, [](const QString &error) {
        say(tr("btstream daemon: the command when all is done failed: %1").arg(error));
    });
    connect(&m_allDone, &WhenAllDone::due, this, [this](WhenAllDone::Action action) {
        if (action == WhenAllDone::Action::Quit) {
            say(tr("btstream daemon: all transfers are done: quitting"));
            stop();
        } else {
            say(tr("btstream daemon: all transfers are done: ran %1")
                    .arg(m_options.onAllDoneCommand));
        }
    });
}

void DaemonCommand::stop()
{
    if (m_stopping || m_finished)
        return;
    m_stopping = true;
    SignalBridge::armExitDeadline(StopDeadlineMs, ExitSuccess,
                                  QByteArrayLiteral("btstream daemon: stopped (deadline)\n"));
    // No new calls while the transfers stop; the answers already written (aria2.shutdown's
    // "OK") still go out while the queue's shutdown spins the event loop.
    if (m_server)
        m_server->stopAccepting();
    stopQueue();
}

void DaemonCommand::stopQueue()
{
    // The jobs stop and the store is written; shutdownFinished() then ends the daemon (a
    // closed queue answers on the next turn).
    m_queue.shutdown(StopTimeoutMs);
}

void DaemonCommand::fail(int exitCode, const QString &message)
{
    say(tr("btstream daemon: error: %1").arg(message));
    m_exitCode = exitCode;
    m_stopping = true;
    if (m_server)
        m_server->stopAccepting();
    stopQueue();
}

void DaemonCommand::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(exitCode);
}

} // namespace bt::cli

#include "PutCommand.h"

#include "ExitCode.h"
#include "SignalBridge.h"
#include "UploadWorker.h"
#include "queue/TransferSnapshot.h"

#include <QFileInfo>
#include <QThread>
#include <QTimer>

namespace bt::cli {

namespace {
// As for get: the upload gets most of the 2 s to stop and save; an alarm ends the process if
// stopping hangs (the store holds the tus upload URL from its creation on, and the server's
// offset is what a resume trusts, so that is as safe as a crash).
constexpr int StopTimeoutMs = 1400;
constexpr int InterruptDeadlineMs = 1800;
} // namespace

PutCommand::PutCommand(const UploadRequest &request, const QString &dataDir,
                       ProgressPrinter *printer, QObject *parent)
    : QObject(parent), m_request(request), m_dataDir(dataDir), m_printer(printer)
{
    qRegisterMetaType<bt::TransferProgress>();
    qRegisterMetaType<bt::TransferResult>();
}

PutCommand::~PutCommand()
{
    stopThread();
}

void PutCommand::start()
{
    if (m_thread || m_finished)
        return;
    if (m_interrupted) {
        finish(ExitInterrupted);
        return;
    }
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("upload"));
    m_worker = new UploadWorker(m_request, m_dataDir);
    m_worker->setProxy(m_proxy);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &UploadWorker::progress, this, &PutCommand::onProgress);
    connect(m_worker, &UploadWorker::message, this,
            [this](const QString &text) { m_printer->message(m_id, text); });
    connect(m_worker, &UploadWorker::finished, this, &PutCommand::onFinished);
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &UploadWorker::start, Qt::QueuedConnection);
}

void PutCommand::onProgress(const TransferProgress &progress)
{
    if (m_finished)
        return;
    if (m_id == 0 && progress.id != 0) {
        m_id = progress.id;
        m_printer->addTransfer(m_id, QFileInfo(m_request.sourcePath).fileName());
    }
    TransferSnapshot snapshot;
    snapshot.id = m_id;
    snapshot.state = TransferState::Active;
    snapshot.progress = progress;
    snapshot.url = m_request.url;
    m_printer->update({snapshot});
}

void PutCommand::onFinished(const TransferResult &result, const QUrl &remoteUrl)
{
    if (m_finished)
        return;
    if (m_interrupted || result.error.code == ErrorCode::Cancelled) {
        finish(ExitInterrupted);
        return;
    }
    const int code = exitCodeFor(result.error.code);
    m_printer->uploadResult(m_request, result, remoteUrl, code);
    finish(code);
}

void PutCommand::interrupt()
{
    if (m_interrupted || m_finished)
        return;
    m_interrupted = true;
    SignalBridge::armExitDeadline(InterruptDeadlineMs, ExitInterrupted,
                                  m_printer->interruptedText());
    if (!m_worker) {
        finish(ExitInterrupted);
        return;
    }
    QMetaObject::invokeMethod(m_worker, &UploadWorker::stop, Qt::QueuedConnection);
    // The worker's finished(Cancelled) ends the command; this is the fallback.
    QTimer::singleShot(StopTimeoutMs, this, [this] { finish(ExitInterrupted); });
}

void PutCommand::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    if (exitCode == ExitInterrupted)
        m_printer->interrupted();
    stopThread();
    m_printer->finish();
    Q_EMIT finished(exitCode);
}

void PutCommand::stopThread()
{
    if (!m_thread)
        return;
    m_thread->quit();
    if (!m_thread->wait(StopTimeoutMs)) {
        // Never destroy a running thread: the exit deadline (or the process end) takes care.
        m_thread->setParent(nullptr);
        m_thread = nullptr;
        return;
    }
    m_worker = nullptr;
    delete m_thread;
    m_thread = nullptr;
}

} // namespace bt::cli

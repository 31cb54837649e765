#include "GetCommand.h"

#include "DownloadWorker.h"
#include "ExitCode.h"
#include "ProgressPrinter.h"

#include <QDeadlineTimer>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

namespace bt::cli {

namespace {
// A signal must end the program within 2 s; stop() normally takes a few milliseconds.
constexpr int InterruptDeadlineMs = 1700;
} // namespace

GetCommand::GetCommand(const QList<DownloadRequest> &requests, const QString &dataDir,
                       ProgressPrinter *printer, QObject *parent)
    : QObject(parent), m_requests(requests), m_dataDir(dataDir), m_printer(printer)
{
    qRegisterMetaType<TransferProgress>();
    qRegisterMetaType<TransferResult>();
    m_printer->setNameUrlsInErrors(m_requests.size() > 1);
}

GetCommand::~GetCommand()
{
    stopThread();
}

void GetCommand::start()
{
    startNext();
}

void GetCommand::startNext()
{
    ++m_index;
    if (m_interrupted || m_index >= m_requests.size()) {
        finish();
        return;
    }
    const DownloadRequest &request = m_requests.at(m_index);
    m_printer->begin(request);

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("btstream-worker"));
    auto *worker = new DownloadWorker(request, m_dataDir);
    worker->moveToThread(m_thread);
    m_worker = worker;
    // The worker, its network manager and its store connection die on their own thread.
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(m_thread, &QThread::started, worker, &DownloadWorker::start);
    connect(worker, &DownloadWorker::progress, m_printer, &ProgressPrinter::progress);
    connect(worker, &DownloadWorker::message, m_printer, &ProgressPrinter::message);
    connect(worker, &DownloadWorker::finished, this, &GetCommand::onFinished);
    m_thread->start();
}

void GetCommand::onFinished(const TransferResult &result)
{
    stopThread();
    const int code = exitCodeFor(result.error.code);
    m_printer->result(m_requests.at(m_index), result, code);
    if (code == ExitSuccess)
        ++m_succeeded;
    else
        ++m_failed;
    m_exitCode = qMax(m_exitCode, code);
    startNext();
}

void GetCommand::stopThread()
{
    if (!m_thread)
        return;
    m_thread->quit();
    // After a signal, a thread that does not end in time must not keep the program alive.
    while (!m_thread->wait(QDeadlineTimer(InterruptDeadlineMs))) {
        if (m_interrupted) {
            std::fflush(stdout);
            ::_exit(ExitInterrupted);
        }
    }
    delete m_thread;
    m_thread = nullptr;
}

void GetCommand::interrupt()
{
    if (m_interrupted)
        return;
    m_interrupted = true;
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &DownloadWorker::stop, Qt::QueuedConnection);
    // The store only ever holds offsets of synced data, so leaving now is as safe as a crash.
    m_interruptDeadline = new QTimer(this);
    m_interruptDeadline->setSingleShot(true);
    connect(m_interruptDeadline, &QTimer::timeout, this, [this] {
        m_printer->interrupted();
        std::fflush(stdout);
        std::fflush(stderr);
        ::_exit(ExitInterrupted);
    });
    m_interruptDeadline->start(InterruptDeadlineMs);
}

void GetCommand::finish()
{
    if (m_interruptDeadline)
        m_interruptDeadline->stop();
    if (m_interrupted) {
        m_printer->interrupted();
        m_exitCode = ExitInterrupted;
    }
    if (m_requests.size() > 1 && !m_interrupted)
        m_printer->summary(m_succeeded, m_failed, m_exitCode);
    Q_EMIT finished(m_exitCode);
}

} // namespace bt::cli

#include "queue/WhenAllDone.h"

#include "actions/AfterDownload.h"
#include "actions/ChildEnvironment.h"
#include "queue/QueueManager.h"

#include <QDateTime>
#include <QProcess>

namespace bt {

WhenAllDone::WhenAllDone(QObject *parent)
    : QObject(parent), m_nowMs([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &WhenAllDone::tick);
}

void WhenAllDone::watch(QueueManager *queue)
{
    connect(queue, &QueueManager::transferFinished, this, [this] { workEnded(); });
    connect(queue, &QueueManager::idle, this, &WhenAllDone::queueIdle);
    connect(queue, &QueueManager::snapshotsChanged, this, [this, queue] {
        if (!queue->isIdle())
            queueBusy();
    });
}

void WhenAllDone::setAction(Action action, const QString &command)
{
    m_action = action;
    m_command = command;
    if (action == Action::Nothing)
        cancel();
}

qint64 WhenAllDone::remainingMs() const
{
    return m_phase == Phase::Notice ? qMax<qint64>(0, m_deadlineMs - m_nowMs()) : -1;
}

void WhenAllDone::workEnded()
{
    if (m_action == Action::Nothing)
        return;
    if (m_phase == Phase::Notice)
        queueBusy();
    if (m_phase == Phase::Waiting)
        setPhase(Phase::Worked);
}

void WhenAllDone::queueIdle()
{
    if (m_action == Action::Nothing || m_phase != Phase::Worked)
        return;
    m_deadlineMs = m_nowMs() + m_noticeMs;
    setPhase(Phase::Notice);
    m_timer.start();
    Q_EMIT noticeStarted(m_action, m_deadlineMs);
}

void WhenAllDone::queueBusy()
{
    if (m_phase != Phase::Notice)
        return;
    // More work arrived: the notice waits for it to end.
    m_timer.stop();
    m_deadlineMs = -1;
    setPhase(Phase::Worked);
    Q_EMIT noticeCancelled();
}

void WhenAllDone::cancel()
{
    const bool wasNotice = m_phase == Phase::Notice;
    m_timer.stop();
    m_deadlineMs = -1;
    setPhase(Phase::Waiting);
    if (wasNotice)
        Q_EMIT noticeCancelled();
}

void WhenAllDone::tick()
{
    if (m_phase != Phase::Notice || m_nowMs() < m_deadlineMs)
        return;
    m_timer.stop();
    m_deadlineMs = -1;
    setPhase(Phase::Waiting); // once: more work and idle again before the next time
    const Action action = m_action;
    if (action == Action::RunCommand) {
        QString error;
        if (!runCommand(m_command, &error)) {
            Q_EMIT commandFailed(error);
            return;
        }
    }
    Q_EMIT due(action);
}

bool WhenAllDone::runCommand(const QString &command, QString *error)
{
    QStringList words;
    if (!AfterDownload::splitCommand(command, &words, error))
        return false;
    QProcess process;
    process.setProgram(words.takeFirst());
    process.setArguments(words);
    process.setProcessEnvironment(ChildEnvironment::get());
    if (!process.startDetached()) {
        *error = tr("cannot run %1").arg(process.program());
        return false;
    }
    return true;
}

void WhenAllDone::setPhase(Phase phase)
{
    m_phase = phase;
}

} // namespace bt

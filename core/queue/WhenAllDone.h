#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace bt {

class QueueManager;

// "When all is done": notices that the queue went idle after work and, after a notice that a
// person can cancel (30 s), says that the chosen action is due. Quit, suspend and power off
// are carried out by the program (the GUI asks logind over D-Bus); a command is run here,
// without a shell (as --on-complete), with no argument.
//
// Work is a transfer that ended (completed or failed) while an action was chosen; idle is the
// queue's idle() (nothing runs, nothing can start). New work during the notice cancels it; a
// cancelled notice comes back only after more work. The clock is injectable for tests.
class WhenAllDone : public QObject
{
    Q_OBJECT
public:
    enum class Action
    {
        Nothing,
        Quit,
        Suspend,
        PowerOff,
        RunCommand,
    };
    Q_ENUM(Action)
    enum class Phase
    {
        Waiting, // no work seen since the action was chosen (or since the last notice)
        Worked,  // work ended; waiting for the queue to go idle
        Notice,  // the countdown runs
    };
    Q_ENUM(Phase)
    static constexpr qint64 NoticeMs = 30000;

    explicit WhenAllDone(QObject *parent = nullptr);
    // Follows `queue`'s transferFinished() and idle() (and its snapshots for new work).
    void watch(QueueManager *queue);
    void setClock(std::function<qint64()> nowMs) { m_nowMs = std::move(nowMs); }
    // How long the notice runs (NoticeMs unless set; 0: the action is due at the next tick).
    void setNoticeMs(qint64 ms) { m_noticeMs = qMax<qint64>(0, ms); }

    void setAction(Action action, const QString &command = {});
    Action action() const { return m_action; }
    QString command() const { return m_command; }
    Phase phase() const { return m_phase; }
    qint64 deadlineMs() const { return m_deadlineMs; } // while Notice
    qint64 remainingMs() const;

    // The decision's inputs (the queue's signals call them; tests call them directly).
    void workEnded();
    void queueIdle();
    void queueBusy();

    // Runs `command` split as --on-complete (no shell); false and *error when it cannot start.
    static bool runCommand(const QString &command, QString *error);

public Q_SLOTS:
    void cancel(); // the person said no: back to Waiting
    void tick();   // checks the deadline (a 1 s timer while Notice; tests call it)

Q_SIGNALS:
    void noticeStarted(bt::WhenAllDone::Action action, qint64 deadlineMs);
    void noticeCancelled();
    // The notice ran out: carry out `action` (RunCommand has already run the command).
    void due(bt::WhenAllDone::Action action);
    void commandFailed(const QString &error);

private:
    void setPhase(Phase phase);

    std::function<qint64()> m_nowMs;
    QTimer m_timer;
    Action m_action = Action::Nothing;
    QString m_command;
    Phase m_phase = Phase::Waiting;
    qint64 m_deadlineMs = -1;
    qint64 m_noticeMs = NoticeMs;
};

} // namespace bt

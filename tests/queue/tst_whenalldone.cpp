// WhenAllDone: when the queue's going idle after work leads to the chosen action, with an
// injected clock (nothing is ever suspended or powered off here).
#include "queue/WhenAllDone.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using bt::WhenAllDone;

class TestWhenAllDone : public QObject
{
    Q_OBJECT
private:
    qint64 m_now = 1000000;
    void make(WhenAllDone *w, WhenAllDone::Action action, const QString &command = {})
    {
        w->setClock([this] { return m_now; });
        w->setAction(action, command);
    }

private Q_SLOTS:
    void idleAfterWorkCountsDownThenFires()
    {
        WhenAllDone w;
        make(&w, WhenAllDone::Action::PowerOff);
        QSignalSpy started(&w, &WhenAllDone::noticeStarted);
        QSignalSpy due(&w, &WhenAllDone::due);
        w.queueIdle(); // idle before any work: nothing
        QCOMPARE(w.phase(), WhenAllDone::Phase::Waiting);
        w.workEnded();
        QCOMPARE(w.phase(), WhenAllDone::Phase::Worked);
        w.queueIdle();
        QCOMPARE(w.phase(), WhenAllDone::Phase::Notice);
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.at(0).at(1).toLongLong(), m_now + WhenAllDone::NoticeMs);
        m_now += WhenAllDone::NoticeMs - 1;
        w.tick();
        QCOMPARE(due.size(), 0);
        QCOMPARE(w.remainingMs(), qint64(1));
        m_now += 1;
        w.tick();
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.at(0).at(0).value<WhenAllDone::Action>(), WhenAllDone::Action::PowerOff);
        // Once: idle again without new work does nothing.
        w.queueIdle();
        m_now += 2 * WhenAllDone::NoticeMs;
        w.tick();
        QCOMPARE(due.size(), 1);
    }

    void cancelledByThePerson()
    {
        WhenAllDone w;
        make(&w, WhenAllDone::Action::Suspend);
        QSignalSpy cancelled(&w, &WhenAllDone::noticeCancelled);
        QSignalSpy due(&w, &WhenAllDone::due);
        w.workEnded();
        w.queueIdle();
        w.cancel();
        QCOMPARE(cancelled.size(), 1);
        m_now += WhenAllDone::NoticeMs;
        w.tick();
        QCOMPARE(due.size(), 0);
        // It comes back after more work.
        w.queueIdle();
        QCOMPARE(w.phase(), WhenAllDone::Phase::Waiting);
        w.workEnded();
        w.queueIdle();
        m_now += WhenAllDone::NoticeMs;
        w.tick();
        QCOMPARE(due.size(), 1);
    }

    void newWorkPostponesTheNotice()
    {
        WhenAllDone w;
        make(&w, WhenAllDone::Action::Quit);
        QSignalSpy due(&w, &WhenAllDone::due);
        QSignalSpy cancelled(&w, &WhenAllDone::noticeCancelled);
        w.workEnded();
        w.queueIdle();
        m_now += 20000;
        w.queueBusy(); // a new download started during the notice
        QCOMPARE(cancelled.size(), 1);
        QCOMPARE(w.phase(), WhenAllDone::Phase::Worked);
        m_now += 20000;
        w.tick();
        QCOMPARE(due.size(), 0);
        w.queueIdle(); // it ended: a full notice again
        m_now += WhenAllDone::NoticeMs - 1000;
        w.tick();
        QCOMPARE(due.size(), 0);
        m_now += 1000;
        w.tick();
        QCOMPARE(due.size(), 1);
    }

    void nothingChosen()
    {
        WhenAllDone w;
        make(&w, WhenAllDone::Action::Nothing);
        QSignalSpy started(&w, &WhenAllDone::noticeStarted);
        w.workEnded();
        w.queueIdle();
        QCOMPARE(started.size(), 0);
        // Choosing "nothing" during a notice ends it.
        w.setAction(WhenAllDone::Action::Quit);
        w.workEnded();
        w.queueIdle();
        QCOMPARE(started.size(), 1);
        w.setAction(WhenAllDone::Action::Nothing);
        QCOMPARE(w.phase(), WhenAllDone::Phase::Waiting);
    }

    void runsTheCommandWithoutAShell()
    {
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("done; echo pwned"));
        WhenAllDone w;
        // The name has a ';': a shell would run two commands and make no such file.
        make(&w, WhenAllDone::Action::RunCommand, QStringLiteral("touch \"%1\"").arg(marker));
        QSignalSpy due(&w, &WhenAllDone::due);
        w.workEnded();
        w.queueIdle();
        m_now += WhenAllDone::NoticeMs;
        w.tick();
        QCOMPARE(due.size(), 1);
        QTRY_VERIFY(QFileInfo::exists(marker));

        QSignalSpy failed(&w, &WhenAllDone::commandFailed);
        w.setAction(WhenAllDone::Action::RunCommand, QStringLiteral("\"unterminated"));
        w.workEnded();
        w.queueIdle();
        m_now += WhenAllDone::NoticeMs;
        w.tick();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(due.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestWhenAllDone)
#include "tst_whenalldone.moc"

// The scheduler's daily window (injected clock), the batched progress snapshots, idle(),
// adding without a store round trip, and which worker the next job goes to.
#include "QueueTestUtil.h"
#include "store/TransferStore.h"

#include <QSignalSpy>

using namespace bt;
using namespace bt::queuetest;

class TestQueueScheduler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void windowContains();
    void queuedStartOnlyInsideWindow();
    void activePauseOutsideWindowAndContinue();
    void windowCrossingMidnight();
    void progressIsBatched();
    void speedAndEtaComputedInCore();
    void idleAfterRestoredWork();
    void enqueueDoesNotWaitForTheStore();
    void nextJobGoesToTheFreedWorker();
};

namespace {
// Replays what a loaded machine does at random: a job's worker thread is preempted between
// posting its finished() to one receiver and to the next. Before the pool gets any call,
// everything already posted to the queue runs.
class QueueFirst : public QObject
{
public:
    explicit QueueFirst(QObject *queue) : m_queue(queue) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::MetaCall && watched->inherits("bt::WorkerPool"))
            QCoreApplication::sendPostedEvents(m_queue, QEvent::MetaCall);
        return false;
    }

private:
    QObject *m_queue;
};
} // namespace

void TestQueueScheduler::windowContains()
{
    const TimeWindow night = TimeWindow::fromString(QStringLiteral("01:00-07:00"));
    QVERIFY(night.isValid());
    QVERIFY(night.contains(QTime(1, 0)));
    QVERIFY(night.contains(QTime(6, 59)));
    QVERIFY(!night.contains(QTime(7, 0)));
    QVERIFY(!night.contains(QTime(0, 59)));
    const TimeWindow cross = TimeWindow::fromString(QStringLiteral("22:30-6:00"));
    QVERIFY(cross.contains(QTime(23, 0)));
    QVERIFY(cross.contains(QTime(0, 0)));
    QVERIFY(cross.contains(QTime(5, 59)));
    QVERIFY(!cross.contains(QTime(6, 0)));
    QVERIFY(!cross.contains(QTime(22, 29)));
    QCOMPARE(cross.toString(), QStringLiteral("22:30-06:00"));
    QVERIFY(!TimeWindow::fromString(QStringLiteral("25:00-01:00")).isValid());
    QVERIFY(!TimeWindow::fromString(QStringLiteral("nonsense")).isValid());
}

void TestQueueScheduler::queuedStartOnlyInsideWindow()
{
    QueueEnv env;
    env.now = QDateTime(QDate(2026, 1, 5), QTime(12, 0));
    QVERIFY(env.open(3, 0, true));
    env.queue->setScheduleWindow(TimeWindow::fromString(QStringLiteral("01:00-07:00")));
    QSignalSpy idle(env.queue.get(), &QueueManager::idle);
    const qint64 a = env.add(QStringLiteral("a"), 1);
    const qint64 b = env.add(QStringLiteral("b"), 1);
    QCOMPARE(env.state(a), TransferState::Queued);
    QVERIFY(env.queue->snapshot(a)->waitingForSchedule);
    QCOMPARE(env.jobs.startOrder.size(), 0);
    env.queue->tick();
    QCOMPARE(env.jobs.startOrder.size(), 0);
    env.now = QDateTime(QDate(2026, 1, 6), QTime(1, 0));
    env.queue->tick();
    QCOMPARE(env.state(a), TransferState::Active);
    QCOMPARE(env.state(b), TransferState::Active);
    QVERIFY(!env.queue->snapshot(b)->waitingForSchedule);
    // No window: always.
    env.now = QDateTime(QDate(2026, 1, 6), QTime(9, 0));
    env.queue->setScheduleWindow(std::nullopt);
    env.queue->tick();
    QCOMPARE(env.state(a), TransferState::Active);
}

void TestQueueScheduler::activePauseOutsideWindowAndContinue()
{
    QueueEnv env;
    env.now = QDateTime(QDate(2026, 1, 5), QTime(6, 0));
    QVERIFY(env.open(3, 0, true));
    env.queue->setScheduleWindow(TimeWindow::fromString(QStringLiteral("01:00-07:00")));
    const qint64 a = env.add(QStringLiteral("a"), 1);
    const qint64 b = env.add(QStringLiteral("b"), 1);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    QTRY_VERIFY(env.jobs.job(b) && env.jobs.job(b)->started);
    FakeJob *jobA = env.jobs.job(a);
    env.now = QDateTime(QDate(2026, 1, 5), QTime(7, 0, 1));
    QSignalSpy idle(env.queue.get(), &QueueManager::idle);
    env.queue->tick();
    QCOMPARE(env.state(a), TransferState::Queued);
    QCOMPARE(env.state(b), TransferState::Queued);
    QTRY_COMPARE(env.queue->runningJobCount(), 0);
    QVERIFY(jobA->stopped || !env.jobs.job(a));
    QTRY_COMPARE(idle.size(), 1); // nothing can run before the window opens
    QCOMPARE(env.jobs.startOrder.size(), 2);
    env.queue->tick();
    QCOMPARE(env.jobs.startOrder.size(), 2);
    env.now = QDateTime(QDate(2026, 1, 6), QTime(1, 30));
    env.queue->tick();
    QCOMPARE(env.jobs.startOrder.size(), 4);
    QCOMPARE(env.state(a), TransferState::Active);
    QCOMPARE(env.state(b), TransferState::Active);
}

void TestQueueScheduler::windowCrossingMidnight()
{
    QueueEnv env;
    env.now = QDateTime(QDate(2026, 1, 5), QTime(21, 0));
    QVERIFY(env.open(3, 0, true));
    env.queue->setScheduleWindow(TimeWindow::fromString(QStringLiteral("22:00-06:00")));
    const qint64 a = env.add(QStringLiteral("a"), 1);
    QCOMPARE(env.state(a), TransferState::Queued);
    env.now = QDateTime(QDate(2026, 1, 5), QTime(23, 30));
    env.queue->tick();
    QCOMPARE(env.state(a), TransferState::Active);
    env.now = QDateTime(QDate(2026, 1, 6), QTime(3, 0));
    env.queue->tick();
    QCOMPARE(env.state(a), TransferState::Active);
    env.now = QDateTime(QDate(2026, 1, 6), QTime(6, 30));
    env.queue->tick();
    QCOMPARE(env.state(a), TransferState::Queued);
}

void TestQueueScheduler::speedAndEtaComputedInCore()
{
    // Speeds and ETAs come from an injected monotonic clock: the same figures on any machine.
    QueueEnv env;
    std::atomic<qint64> ms{0};
    QVERIFY(env.open(3, 0));
    env.queue->setElapsedClock([&ms] { return ms.load(); });
    const qint64 a = env.add(QStringLiteral("a"), 1);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    constexpr qint64 kMiB = 1 << 20;
    const auto snapshotOf = [&] { return env.queue->snapshot(a)->progress; };
    // A tick samples the progress at 0 ms (the snapshot it sends says so).
    QSignalSpy ticked(env.queue.get(), &QueueManager::snapshotsChanged);
    env.jobs.job(a)->sendProgress(0, 10 * kMiB);
    QTRY_VERIFY(!ticked.isEmpty() &&
                ticked.last().at(0).value<QList<TransferSnapshot>>().last().progress.total ==
                    10 * kMiB);
    ms = 1000;
    env.jobs.job(a)->sendProgress(kMiB, 10 * kMiB);
    QTRY_COMPARE(snapshotOf().speed, kMiB); // 1 MiB in one second of the clock
    QCOMPARE(snapshotOf().etaSeconds, qint64(9));
    // Nothing for five seconds of the clock: the speed falls to 0, the ETA is unknown.
    ms = 6000;
    QTRY_COMPARE(snapshotOf().speed, qint64(0));
    QCOMPARE(snapshotOf().etaSeconds, qint64(-1));
    env.jobs.job(a)->finishOk();
    QTRY_COMPARE(env.state(a), TransferState::Completed);
    QCOMPARE(env.queue->snapshot(a)->progress.speed, 0);
}

void TestQueueScheduler::progressIsBatched()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    const qint64 a = env.add(QStringLiteral("a"), 1);
    const qint64 b = env.add(QStringLiteral("b"), 1);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    QTRY_VERIFY(env.jobs.job(b) && env.jobs.job(b)->started);
    QSignalSpy spy(env.queue.get(), &QueueManager::snapshotsChanged);
    QElapsedTimer clock;
    clock.start();
    // Many progress reports in a burst: at most one signal per 250 ms tick, both in one.
    for (int i = 1; i <= 200; ++i) {
        env.jobs.job(a)->sendProgress(i * 1000, 1000000);
        env.jobs.job(b)->sendProgress(i * 500, -1);
    }
    QTRY_VERIFY(!spy.isEmpty());
    QTest::qWait(600);
    const qint64 elapsed = clock.elapsed();
    QVERIFY2(spy.size() <= elapsed / 250 + 2, qPrintable(QString::number(spy.size())));
    bool both = false;
    qint64 lastA = 0;
    for (const QList<QVariant> &args : std::as_const(spy)) {
        const auto list = args.at(0).value<QList<TransferSnapshot>>();
        QSet<qint64> seen;
        for (const TransferSnapshot &s : list) {
            seen.insert(s.id);
            if (s.id == a)
                lastA = s.progress.done;
        }
        QCOMPARE(seen.size(), list.size()); // one snapshot per transfer per batch
        both = both || (seen.contains(a) && seen.contains(b));
    }
    QVERIFY(both);
    QCOMPARE(lastA, 200000);
}

// A transfer restored at open() is work too: when it is done, idle() says so (the CLI and
// tests wait for it), even when nothing else was added.
void TestQueueScheduler::idleAfterRestoredWork()
{
    QueueEnv env;
    QVERIFY(env.open());
    const qint64 a = env.add(QStringLiteral("a"), 1);
    QTRY_VERIFY(env.jobs.job(a));
    QVERIFY(shutDownQueue(*env.queue)); // quit while it runs: Active in the store
    env.queue.reset();
    QVERIFY(env.open());
    QSignalSpy idle(env.queue.get(), &QueueManager::idle);
    QTRY_COMPARE(env.jobs.startOrder.count(a), 2);
    env.jobs.job(a)->finishOk(env.dir.filePath(QStringLiteral("a")), 1);
    QTRY_COMPARE(env.state(a), TransferState::Completed);
    QTRY_COMPARE(idle.size(), 1);
}

// Adding never waits for the store's thread: while another program holds the database's
// write lock, a new transfer is in the next snapshot, takes its slot and starts; its read of
// its row is answered once the row is written (the one ordered list of the store), and the
// row is there after a restart.
void TestQueueScheduler::enqueueDoesNotWaitForTheStore()
{
    QueueEnv env;
    QVERIFY(env.open());
    TransferStore other;
    QVERIFY(other.open(env.dataDir()));
    QVERIFY(other.beginBatch()); // BEGIN IMMEDIATE: the write lock
    QSignalSpy snapshots(env.queue.get(), &QueueManager::snapshotsChanged);
    const qint64 a = env.add(QStringLiteral("a.example"), 1);
    QVERIFY(a > 0);
    env.queue->tick();
    QCOMPARE(snapshots.size(), 1);
    const auto changed = snapshots.at(0).at(0).value<QList<TransferSnapshot>>();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().id, a);
    QCOMPARE(changed.first().state, TransferState::Active);
    QTRY_VERIFY(env.jobs.job(a)->started);
    QTest::qWait(100);
    QVERIFY(!env.jobs.job(a)->rowLoaded); // not before its row is in the store

    QVERIFY(other.commitBatch());
    QTRY_VERIFY(env.jobs.job(a)->rowLoaded);
    QVERIFY(env.jobs.job(a)->rowFound);
    QVERIFY(other.load(a));
    env.queue.reset();
    QVERIFY(env.open());
    QVERIFY(env.queue->contains(a));
    QCOMPARE(env.queue->record(a)->url, env.request(QStringLiteral("a.example"), 1).url);
}

// Two at once, the second ends first: the third goes to the second's worker, whose network
// manager holds the idle keep-alive connection (not to the busy one, which opens another:
// `btstream get -j 2 --connections 1` showed three connections), however the threads run.
void TestQueueScheduler::nextJobGoesToTheFreedWorker()
{
    QueueEnv env;
    QVERIFY(env.open(2, 0));
    QueueFirst queueFirst(env.queue.get());
    QCoreApplication::instance()->installEventFilter(&queueFirst);
    const qint64 a = env.add(QStringLiteral("h"), 1);
    const qint64 b = env.add(QStringLiteral("h"), 2);
    const qint64 c = env.add(QStringLiteral("h"), 3);
    QTRY_VERIFY(env.jobs.job(a)->started && env.jobs.job(b)->started);
    QThread *threadA = env.jobs.job(a)->thread;
    QThread *threadB = env.jobs.job(b)->thread;
    QVERIFY(threadA != threadB);
    const bt::HttpClient *networkB = env.jobs.job(b)->context().network;
    QVERIFY(!env.jobs.job(c));

    env.jobs.job(b)->finishOk();
    QTRY_COMPARE(env.state(b), TransferState::Completed);
    QTRY_VERIFY(env.jobs.job(c) && env.jobs.job(c)->started);
    QCOMPARE(env.jobs.job(c)->thread.load(), threadB);
    QCOMPARE(env.jobs.job(c)->context().network, networkB);
    QCOMPARE(env.state(a), TransferState::Active);
    QCoreApplication::instance()->removeEventFilter(&queueFirst);
}

QTEST_GUILESS_MAIN(TestQueueScheduler)
#include "tst_queuescheduler.moc"

// QueueManager against fake jobs: order, limits, commands in every state, failures, disk
// errors, restart over the same store.
#include "QueueTestUtil.h"

#include "store/TransferStore.h"

#include <QFile>
#include <QSet>
#include <QSignalSpy>

using namespace bt;
using namespace bt::queuetest;

class TestQueueManager : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void startsByPriorityThenManualOrder();
    void manualOrderMovesAndPersists();
    void globalAndPerHostLimits();
    void limitsChangedAtRuntime();
    void finishingDownloadsLeaveTheirPlace();
    void commandsInEveryState_data();
    void commandsInEveryState();
    void commandsOnSelectionAndAll();
    void failingJobDoesNotBlock();
    void diskErrorPausesAndRetryResumes();
    void removeWithAndWithoutFile();
    void enqueueSameRequestContinuesIt();
    void enqueueStartPausedNeverStarts();
    void manyAddedComeInBoundedLists();
    void restartRestoresEveryState();
    void jobsRunOnWorkerThreads();
    void corruptStoreIsAClearError();
};

void TestQueueManager::startsByPriorityThenManualOrder()
{
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    const qint64 a = env.add(QStringLiteral("h"), 1);
    const qint64 b = env.add(QStringLiteral("h"), 2);
    const qint64 c = env.add(QStringLiteral("h"), 3, 5);
    const qint64 d = env.add(QStringLiteral("h"), 4);
    const qint64 e = env.add(QStringLiteral("h"), 5, 5);
    env.queue->moveTop({d}); // first in manual order, but priority comes first
    QCOMPARE(env.jobs.startOrder, QList<qint64>({a}));
    for (int i = 0; i < 4; ++i) {
        const qint64 running = env.jobs.startOrder.last();
        QTRY_VERIFY(env.jobs.job(running) && env.jobs.job(running)->started);
        env.jobs.job(running)->finishOk();
        QTRY_COMPARE(env.jobs.startOrder.size(), i + 2);
    }
    QCOMPARE(env.jobs.startOrder, QList<qint64>({a, c, e, d, b}));
}

void TestQueueManager::manualOrderMovesAndPersists()
{
    QueueEnv env;
    QVERIFY(env.open());
    env.queue->setScheduleWindow(std::nullopt);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids << env.add(QStringLiteral("h%1").arg(i), i);
    env.queue->pauseAll();
    const auto [a, b, c, d, e] = std::tuple(ids[0], ids[1], ids[2], ids[3], ids[4]);
    QCOMPARE(env.queue->ids(), QList<qint64>({a, b, c, d, e}));
    env.queue->moveUp({c});
    QCOMPARE(env.queue->ids(), QList<qint64>({a, c, b, d, e}));
    env.queue->moveUp({a, c}); // a is at the top: the block stays
    QCOMPARE(env.queue->ids(), QList<qint64>({a, c, b, d, e}));
    env.queue->moveDown({c, b});
    QCOMPARE(env.queue->ids(), QList<qint64>({a, d, c, b, e}));
    env.queue->moveBottom({d, a});
    QCOMPARE(env.queue->ids(), QList<qint64>({c, b, e, a, d}));
    env.queue->moveTop({e, d});
    QCOMPARE(env.queue->ids(), QList<qint64>({e, d, c, b, a}));
    const QList<qint64> order = env.queue->ids();
    env.queue.reset();
    QVERIFY(env.open());
    QCOMPARE(env.queue->ids(), order);
}

void TestQueueManager::globalAndPerHostLimits()
{
    QueueEnv env;
    QVERIFY(env.open(3, 2));
    for (int i = 0; i < 5; ++i)
        env.add(QStringLiteral("same.example"), i);
    QCOMPARE(env.queue->activeCount(), 2); // per-host cap
    const qint64 other = env.add(QStringLiteral("other.example"), 1);
    QCOMPARE(env.state(other), TransferState::Active);
    env.add(QStringLiteral("third.example"), 1);
    QCOMPARE(env.queue->activeCount(), 3); // global cap
    QCOMPARE(env.queue->queuedCount(), 4);
}

void TestQueueManager::limitsChangedAtRuntime()
{
    QueueEnv env;
    QVERIFY(env.open(2, 0));
    for (int i = 0; i < 6; ++i)
        env.add(QStringLiteral("h%1").arg(i % 2), i);
    QCOMPARE(env.queue->activeCount(), 2);
    env.queue->setMaxActive(5);
    QCOMPARE(env.queue->activeCount(), 5);
    env.queue->setMaxPerHost(2); // running ones go on, no new one on a full host
    QCOMPARE(env.queue->activeCount(), 5);
    env.queue->setMaxActive(1);
    const QList<qint64> live = env.jobs.liveIds();
    for (qint64 id : live) {
        QTRY_VERIFY(env.jobs.job(id)->started);
        env.jobs.job(id)->finishOk();
    }
    QTRY_COMPARE(env.jobs.startOrder.size(), 6);
    QTRY_COMPARE(env.queue->runningJobCount(), 1); // below the new limit, one at a time
    QCOMPARE(env.queue->queuedCount(), 0);
}

void TestQueueManager::finishingDownloadsLeaveTheirPlace()
{
    QueueEnv env;
    QVERIFY(env.open(1, 1));
    const qint64 a = env.add(QStringLiteral("h"), 1);
    const qint64 b = env.add(QStringLiteral("h"), 2);
    const qint64 c = env.add(QStringLiteral("h"), 3);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    QCOMPARE(env.jobs.startOrder, QList<qint64>{a});
    // Every byte of `a` is in: it only verifies and publishes, off the network and its host.
    env.jobs.job(a)->sendVerifying();
    QTRY_VERIFY(env.jobs.job(b) && env.jobs.job(b)->started);
    QCOMPARE(env.state(a), TransferState::Verifying);
    QCOMPARE(env.queue->runningJobCount(), 2);
    QCOMPARE(env.queue->transferringJobCount(), 1);
    // At most as many finishing as downloads at a time: `c` waits although `b` verifies too.
    env.jobs.job(b)->sendVerifying();
    QTRY_COMPARE(env.state(b), TransferState::Verifying);
    QCOMPARE(env.queue->transferringJobCount(), 0);
    QCOMPARE(env.state(c), TransferState::Queued);
    env.jobs.job(a)->finishOk();
    QTRY_VERIFY(env.jobs.job(c) && env.jobs.job(c)->started);
    QCOMPARE(env.state(a), TransferState::Completed);
    env.jobs.job(b)->finishOk();
    env.jobs.job(c)->finishOk();
    QTRY_COMPARE(env.queue->runningJobCount(), 0);
    QCOMPARE(env.queue->transferringJobCount(), 0);
    QCOMPARE(env.jobs.startOrder, (QList<qint64>{a, b, c}));
}

enum class Cmd
{
    Pause,
    Resume,
    Cancel,
    Retry,
    Remove
};

void TestQueueManager::commandsInEveryState_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("command");
    QTest::addColumn<int>("expected"); // -1: removed
    using S = TransferState;
    const S states[] = {S::Queued, S::Active, S::Paused, S::Verifying, S::Completed, S::Failed};
    // Expected state per command, in the order of `states`.
    const QHash<Cmd, QList<int>> table = {
        {Cmd::Pause,
         {int(S::Paused), int(S::Paused), int(S::Paused), int(S::Paused), int(S::Completed),
          int(S::Failed)}},
        {Cmd::Resume,
         {int(S::Queued), int(S::Active), int(S::Active), int(S::Verifying), int(S::Completed),
          int(S::Failed)}},
        {Cmd::Cancel,
         {int(S::Failed), int(S::Failed), int(S::Failed), int(S::Failed), int(S::Completed),
          int(S::Failed)}},
        {Cmd::Retry,
         {int(S::Queued), int(S::Active), int(S::Active), int(S::Verifying), int(S::Completed),
          int(S::Active)}},
        {Cmd::Remove, {-1, -1, -1, -1, -1, -1}},
    };
    const char *cmdNames[] = {"pause", "resume", "cancel", "retry", "remove"};
    for (int c = 0; c < 5; ++c) {
        for (int s = 0; s < 6; ++s) {
            QTest::addRow("%s-%s", cmdNames[c], qPrintable(transferStateName(states[s])))
                << int(states[s]) << c << table.value(Cmd(c)).at(s);
        }
    }
}

void TestQueueManager::commandsInEveryState()
{
    QFETCH(int, from);
    QFETCH(int, command);
    QFETCH(int, expected);
    QueueEnv env;
    QVERIFY(env.open(1, 0));
    // A blocker holds the only slot: the subject stays queued until the blocker is paused.
    const qint64 blocker = env.add(QStringLiteral("b"), 0);
    const qint64 id = env.add(QStringLiteral("h"), 1);
    QCOMPARE(env.state(id), TransferState::Queued);
    const TransferState start = TransferState(from);
    if (start != TransferState::Queued) {
        env.queue->pause({blocker});
        QTRY_COMPARE(env.state(id), TransferState::Active); // once the blocker stopped
        QTRY_VERIFY(env.jobs.job(id) && env.jobs.job(id)->started);
        FakeJob *job = env.jobs.job(id);
        switch (start) {
        case TransferState::Paused:
            env.queue->pause({id});
            QTRY_COMPARE(env.queue->runningJobCount(), 0);
            break;
        case TransferState::Verifying:
            job->sendVerifying();
            break;
        case TransferState::Completed:
            job->finishOk();
            break;
        case TransferState::Failed:
            job->finishError(ErrorCode::HttpPermanent);
            break;
        default:
            break;
        }
        QTRY_COMPARE(env.state(id), start);
    }
    const int startsBefore = int(env.jobs.startOrder.size());
    switch (Cmd(command)) {
    case Cmd::Pause:
        env.queue->pause({id});
        break;
    case Cmd::Resume:
        env.queue->resume({id});
        break;
    case Cmd::Cancel:
        env.queue->cancel({id});
        break;
    case Cmd::Retry:
        env.queue->retry({id});
        break;
    case Cmd::Remove:
        env.queue->remove({id}, false);
        break;
    }
    if (expected < 0) {
        QVERIFY(!env.queue->contains(id));
    } else {
        QTRY_COMPARE(env.state(id), TransferState(expected));
        // A stopped job really stopped; a restarted one really runs.
        const bool shouldRun =
            expected == int(TransferState::Active) || expected == int(TransferState::Verifying);
        QTRY_COMPARE(env.jobs.job(id) != nullptr, shouldRun);
        if (expected == int(TransferState::Active) && start != TransferState::Active)
            QCOMPARE(env.jobs.startOrder.size(), startsBefore + 1);
    }
    if (expected < 0) // the row goes once its job let go
        QTRY_VERIFY(!env.jobs.job(id));
    // The store agrees once written.
    QVERIFY(flushQueue(*env.queue));
    TransferStore store;
    QVERIFY(store.open(env.dataDir()));
    const auto row = store.load(id);
    if (expected < 0) {
        QVERIFY(!row);
    } else {
        QVERIFY(row);
        QCOMPARE(row->state, TransferState(expected));
    }
}

void TestQueueManager::commandsOnSelectionAndAll()
{
    QueueEnv env;
    QVERIFY(env.open(2, 0));
    QList<qint64> ids;
    for (int i = 0; i < 6; ++i)
        ids << env.add(QStringLiteral("h%1").arg(i), i);
    env.queue->pause({ids[0], ids[2], ids[4]});
    QCOMPARE(env.state(ids[0]), TransferState::Paused);
    QCOMPARE(env.state(ids[4]), TransferState::Paused);
    QTRY_COMPARE(env.queue->activeCount(), 2);
    env.queue->pauseAll();
    for (qint64 id : ids)
        QCOMPARE(env.state(id), TransferState::Paused);
    QTRY_COMPARE(env.queue->runningJobCount(), 0);
    env.queue->resumeAll();
    QTRY_COMPARE(env.queue->activeCount(), 2);
    QCOMPARE(env.queue->queuedCount(), 4);
    env.queue->cancelAll();
    for (qint64 id : ids)
        QCOMPARE(env.state(id), TransferState::Failed);
    QTRY_COMPARE(env.queue->runningJobCount(), 0);
    env.queue->retry({ids[1], ids[3]});
    QTRY_COMPARE(env.queue->activeCount(), 2);
    env.queue->removeAll(false);
    QCOMPARE(env.queue->count(), 0);
    QTRY_COMPARE(env.queue->runningJobCount(), 0);
}

void TestQueueManager::failingJobDoesNotBlock()
{
    QueueEnv env;
    QVERIFY(env.open(1, 1));
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i)
        ids << env.add(QStringLiteral("same"), i);
    QSignalSpy idle(env.queue.get(), &QueueManager::idle);
    for (int i = 0; i < 4; ++i) {
        QTRY_VERIFY(env.jobs.job(ids[i]) && env.jobs.job(ids[i])->started);
        if (i % 2 == 0)
            env.jobs.job(ids[i])->finishError(ErrorCode::HttpPermanent, QStringLiteral("404"));
        else
            env.jobs.job(ids[i])->finishOk();
    }
    QTRY_COMPARE(idle.size(), 1);
    QCOMPARE(env.state(ids[0]), TransferState::Failed);
    QCOMPARE(env.queue->snapshot(ids[0])->lastError.message, QStringLiteral("404"));
    QCOMPARE(env.state(ids[1]), TransferState::Completed);
    QCOMPARE(env.state(ids[2]), TransferState::Failed);
    QCOMPARE(env.state(ids[3]), TransferState::Completed);
}

void TestQueueManager::diskErrorPausesAndRetryResumes()
{
    QueueEnv env;
    QVERIFY(env.open(2, 0));
    const qint64 a = env.add(QStringLiteral("a"), 1);
    const qint64 b = env.add(QStringLiteral("b"), 1);
    const qint64 c = env.add(QStringLiteral("c"), 1);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    env.jobs.job(a)->finishError(ErrorCode::DiskFull, QStringLiteral("Disk full"));
    QTRY_COMPARE(env.state(a), TransferState::Paused);
    QCOMPARE(env.queue->snapshot(a)->lastError.code, ErrorCode::DiskFull);
    QCOMPARE(env.state(b), TransferState::Active);     // the others go on
    QTRY_COMPARE(env.state(c), TransferState::Active); // started one event-loop turn later
    QTRY_VERIFY(env.jobs.job(b) && env.jobs.job(b)->started);
    env.jobs.job(b)->finishError(ErrorCode::PermissionDenied, QStringLiteral("denied"));
    QTRY_COMPARE(env.state(b), TransferState::Paused);
    QCOMPARE(env.queue->record(b)->lastError, QStringLiteral("denied"));
    env.jobs.job(c)->finishOk();
    QTRY_COMPARE(env.state(c), TransferState::Completed);
    env.queue->retry({a});
    QCOMPARE(env.state(a), TransferState::Active);
    QCOMPARE(env.queue->snapshot(a)->lastError.code, ErrorCode::None);
}

void TestQueueManager::removeWithAndWithoutFile()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    const QString keep = env.dir.filePath(QStringLiteral("keep.bin"));
    const QString drop = env.dir.filePath(QStringLiteral("drop.bin"));
    const QString partial = env.dir.filePath(QStringLiteral("partial.bin"));
    for (const QString &p : {keep, drop, partial + QStringLiteral(".part"), partial}) {
        QFile f(p);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("data");
    }
    const qint64 a = env.add(QStringLiteral("a"), 1);
    const qint64 b = env.add(QStringLiteral("b"), 1);
    const qint64 c = env.add(QStringLiteral("c"), 1);
    QTRY_VERIFY(env.jobs.job(c) && env.jobs.job(c)->started);
    env.jobs.job(a)->finishOk(keep, 4);
    env.jobs.job(b)->finishOk(drop, 4);
    env.jobs.job(c)->sendProgress(4, 10);
    QTRY_COMPARE(env.state(b), TransferState::Completed);
    QTRY_COMPARE(env.state(a), TransferState::Completed);
    env.queue->remove({a}, false);
    env.queue->remove({b}, true);
    QVERIFY(flushQueue(*env.queue));
    QVERIFY(QFile::exists(keep));
    QVERIFY(!QFile::exists(drop));
    // An unfinished one: only its partial goes, never a file under the final name.
    TransferStore store;
    QVERIFY(store.open(env.dataDir()));
    auto rec = store.load(c);
    QVERIFY(rec);
    rec->destination = partial;
    QVERIFY(store.update(*rec));
    QVERIFY(shutDownQueue(*env.queue)); // c stays Active in the store
    env.queue.reset();
    QVERIFY(env.open(3, 0));
    QCOMPARE(env.queue->count(), 1);
    env.queue->remove({c}, true);
    QTRY_COMPARE(env.queue->runningJobCount(), 0);
    QVERIFY(flushQueue(*env.queue));
    QVERIFY(!QFile::exists(partial + QStringLiteral(".part")));
    QVERIFY(QFile::exists(partial));
    QVERIFY(!store.load(a));
    QVERIFY(!store.load(c));
}

void TestQueueManager::enqueueSameRequestContinuesIt()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    const qint64 a = env.add(QStringLiteral("a"), 1);
    QCOMPARE(env.add(QStringLiteral("a"), 1), a);
    QCOMPARE(env.queue->count(), 1);
    QTRY_VERIFY(env.jobs.job(a) && env.jobs.job(a)->started);
    env.jobs.job(a)->finishError(ErrorCode::HttpPermanent);
    QTRY_COMPARE(env.state(a), TransferState::Failed);
    QCOMPARE(env.add(QStringLiteral("a"), 1), a); // asked again: it runs again
    QCOMPARE(env.state(a), TransferState::Active);
    // A queue that holds only what it is given (the CLI) adopts the stored row.
    env.queue.reset();
    env.queue = std::make_unique<QueueManager>();
    env.queue->setJobFactory(env.jobs.factory());
    QueueManager::Options options;
    options.loadExisting = false;
    QVERIFY(openQueue(*env.queue, env.dataDir(), options));
    QCOMPARE(env.queue->count(), 0);
    QCOMPARE(env.add(QStringLiteral("a"), 1), a);
    QCOMPARE(env.state(a), TransferState::Active);
}

void TestQueueManager::enqueueStartPausedNeverStarts()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    QSignalSpy snapshots(env.queue.get(), &QueueManager::snapshotsChanged);
    QueueManager::EnqueueOptions paused;
    paused.startPaused = true;
    const QList<qint64> ids = env.queue->enqueue(
        {env.request(QStringLiteral("a"), 1), env.request(QStringLiteral("b"), 2)}, paused);
    QCOMPARE(ids.size(), 2);
    QVERIFY(ids[0] > 0 && ids[1] > 0);
    // Paused from the first moment: no job was ever made, no snapshot ever said otherwise.
    QCOMPARE(env.state(ids[0]), TransferState::Paused);
    QCOMPARE(env.state(ids[1]), TransferState::Paused);
    QVERIFY(env.jobs.startOrder.isEmpty());
    QTRY_VERIFY(snapshots.size() >= 1);
    for (const QList<QVariant> &args : std::as_const(snapshots))
        for (const TransferSnapshot &s : args[0].value<QList<TransferSnapshot>>())
            QCOMPARE(s.state, TransferState::Paused);
    QCOMPARE(env.queue->queuedCount(), 0);
    QCOMPARE(env.queue->activeCount(), 0);
    QVERIFY(env.queue->isIdle());

    // Asked again paused: a queued match is held, a running one keeps running.
    env.queue->setMaxActive(1);
    const qint64 c = env.add(QStringLiteral("c"), 3);
    const qint64 d = env.add(QStringLiteral("d"), 4);
    QCOMPARE(env.state(c), TransferState::Active);
    QCOMPARE(env.state(d), TransferState::Queued);
    QCOMPARE(
        env.queue->enqueue(
            {env.request(QStringLiteral("c"), 3), env.request(QStringLiteral("d"), 4)}, paused),
        QList<qint64>({c, d}));
    QCOMPARE(env.state(c), TransferState::Active);
    QCOMPARE(env.state(d), TransferState::Paused);
    QCOMPARE(env.queue->queuedCount(), 0);

    // Stored paused: still paused after a restart, and resume() starts it.
    QVERIFY(flushQueue(*env.queue));
    env.queue.reset();
    QVERIFY(env.open(3, 0));
    QCOMPARE(env.state(ids[0]), TransferState::Paused);
    QCOMPARE(env.state(d), TransferState::Paused);
    QVERIFY(!env.jobs.startOrder.contains(ids[0]));
    env.queue->resume({ids[0]});
    QCOMPARE(env.state(ids[0]), TransferState::Active);
    QTRY_VERIFY(env.jobs.job(ids[0]) && env.jobs.job(ids[0])->started);
    QCOMPARE(env.state(ids[1]), TransferState::Paused);
}

void TestQueueManager::manyAddedComeInBoundedLists()
{
    // 1,000 links added at once: every one is in the next snapshots, which come as several
    // lists of at most 256 (one list of 1,000 would be 336 KB in one piece).
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    QSignalSpy snapshots(env.queue.get(), &QueueManager::snapshotsChanged);
    QList<DownloadRequest> requests;
    for (int i = 0; i < 1000; ++i)
        requests.append(env.request(QStringLiteral("h"), i));
    QueueManager::EnqueueOptions paused;
    paused.startPaused = true;
    const QList<qint64> ids = env.queue->enqueue(requests, paused);
    QCOMPARE(ids.size(), 1000);
    const auto seen = [&snapshots] {
        QSet<qint64> ids;
        for (const QList<QVariant> &args : std::as_const(snapshots)) {
            for (const TransferSnapshot &s : args[0].value<QList<TransferSnapshot>>())
                ids.insert(s.id);
        }
        return ids;
    };
    QTRY_COMPARE(seen().size(), 1000);
    QCOMPARE(seen(), QSet<qint64>(ids.cbegin(), ids.cend()));
    for (const QList<QVariant> &args : std::as_const(snapshots))
        QVERIFY(args[0].value<QList<TransferSnapshot>>().size() <= 256);
}

void TestQueueManager::restartRestoresEveryState()
{
    QueueEnv env;
    QVERIFY(env.open(3, 0));
    QList<qint64> ids;
    for (int i = 0; i < 7; ++i)
        ids << env.add(QStringLiteral("h%1").arg(i), i);
    // 0 completed, 1 failed, 2 paused by a disk error, 3 active, 4 verifying, 5 queued,
    // 6 paused by a person.
    env.queue->pause({ids[6]});
    env.queue->setMaxActive(2); // 5 stays queued
    for (int i = 0; i < 3; ++i)
        QTRY_VERIFY(env.jobs.job(ids[i]) && env.jobs.job(ids[i])->started);
    env.jobs.job(ids[0])->finishOk(env.dir.filePath(QStringLiteral("f0")), 10);
    env.jobs.job(ids[1])->finishError(ErrorCode::HttpPermanent, QStringLiteral("gone"));
    env.jobs.job(ids[2])->finishError(ErrorCode::DiskFull, QStringLiteral("full"));
    QTRY_COMPARE(env.state(ids[2]), TransferState::Paused);
    QTRY_VERIFY(env.jobs.job(ids[4]) && env.jobs.job(ids[4])->started);
    // A verifying download leaves its place on the network: with one place, 3 holds it.
    env.queue->setMaxActive(1);
    env.jobs.job(ids[4])->sendVerifying();
    QTRY_COMPARE(env.state(ids[4]), TransferState::Verifying);
    QCOMPARE(env.state(ids[3]), TransferState::Active);
    QCOMPARE(env.state(ids[5]), TransferState::Queued);
    const QList<qint64> order = env.queue->ids();
    QVERIFY(shutDownQueue(*env.queue)); // as at exit; a crash leaves the same rows (Active)
    env.queue.reset();

    {
        TransferStore store;
        QVERIFY(store.open(env.dataDir()));
        // Still running in the store (nobody wrote a pause): the next open() queues them.
        QCOMPARE(store.load(ids[3])->state, TransferState::Active);
        QCOMPARE(store.load(ids[4])->state, TransferState::Verifying);
    }
    env.jobs.startOrder.clear();
    QVERIFY(env.open(1, 0));
    QCOMPARE(env.queue->count(), 7);
    QCOMPARE(env.queue->ids(), order);
    QCOMPARE(env.state(ids[0]), TransferState::Completed);
    QCOMPARE(env.queue->record(ids[0])->destination, env.dir.filePath(QStringLiteral("f0")));
    QCOMPARE(env.queue->record(ids[0])->totalSize, 10);
    QCOMPARE(env.state(ids[1]), TransferState::Failed);
    QCOMPARE(env.queue->snapshot(ids[1])->lastError.message, QStringLiteral("gone"));
    QCOMPARE(env.state(ids[2]), TransferState::Paused);
    QCOMPARE(env.queue->snapshot(ids[2])->lastError.code, ErrorCode::DiskFull);
    QCOMPARE(env.state(ids[6]), TransferState::Paused);
    // The interrupted ones first (back in the queue, in their order), then the queued one;
    // from the first event-loop turn after open().
    QTRY_COMPARE(env.jobs.startOrder, QList<qint64>({ids[3]}));
    QCOMPARE(env.state(ids[4]), TransferState::Queued);
    QCOMPARE(env.state(ids[5]), TransferState::Queued);
    env.queue->setMaxActive(3);
    QCOMPARE(env.jobs.startOrder, QList<qint64>({ids[3], ids[4], ids[5]}));
}

void TestQueueManager::jobsRunOnWorkerThreads()
{
    QueueEnv env;
    QVERIFY(env.open(4, 0));
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i)
        ids << env.add(QStringLiteral("h%1").arg(i), i);
    QSet<QThread *> threads;
    for (qint64 id : ids) {
        FakeJob *job = env.jobs.job(id);
        QTRY_VERIFY(job->started);
        QVERIFY(job->thread != QThread::currentThread());
        QVERIFY(job->context().network);
        QVERIFY(job->context().storage);
        QVERIFY(job->context().downloadLimiter);
        threads.insert(job->thread);
    }
    QCOMPARE(threads.size(), 2); // spread over both workers
    QVERIFY(shutDownQueue(*env.queue));
    QCOMPARE(env.queue->isOpen(), false);
    for (qint64 id : ids)
        QVERIFY(!env.jobs.job(id));
}

void TestQueueManager::corruptStoreIsAClearError()
{
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("data"))));
    QFile f(dir.filePath(QStringLiteral("data/") + TransferStore::databaseFileName()));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'x'));
    f.close();
    QueueManager queue;
    Error error;
    QVERIFY(!openQueue(queue, dir.filePath(QStringLiteral("data")), &error));
    QCOMPARE(error.code, ErrorCode::Store);
    QVERIFY(!error.message.isEmpty());
    QVERIFY(!queue.isOpen());
    QCOMPARE(queue.enqueue(DownloadRequest{}), 0);
}

QTEST_GUILESS_MAIN(TestQueueManager)
#include "tst_queuemanager.moc"

// The queue's thread never waits for another (issue #11 item 4): open() and shutdown() return
// at once and answer with opened() and shutdownFinished(), also while another connection
// holds the store's write lock (a slow store); a shutdown while downloads run saves every
// offset, and the next run resumes from exactly there to byte-exact files.
#include "FaultServer.h"
#include "QueueWait.h"
#include "queue/QueueManager.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::test;

namespace {
// The longest gap between two firings of a 5 ms timer on this (the queue's) thread: how long
// the thread was kept from its event loop.
class GapProbe
{
public:
    GapProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            if (m_since.isValid())
                m_longest = qMax(m_longest, m_since.elapsed());
            m_since.restart();
        });
        m_timer.start(5);
    }
    qint64 longestMs() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_since;
    qint64 m_longest = 0;
};

// Another program's connection that holds the store's write lock until release().
struct WriteLock
{
    TransferStore store;
    bool take(const QString &dataDir) { return store.open(dataDir) && store.beginBatch(); }
    void release() { store.rollbackBatch(); }
};

constexpr int kLockHoldMs = 1500;
// Far below the hold: a call that waited for the store's thread would show the whole hold.
constexpr qint64 kMaxGapMs = 600;
} // namespace

class TestQueueAsync : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void openAndShutdownNeverWaitForTheStore();
    void shutdownWhileOpening();
    void shutdownWhileRunningSavesEveryOffset();
};

void TestQueueAsync::openAndShutdownNeverWaitForTheStore()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    {
        TransferStore create; // the schema exists; the lock below is only the write lock
        QVERIFY(create.open(data));
    }
    WriteLock lock;
    QVERIFY(lock.take(data));
    GapProbe probe;
    QueueManager queue;
    QSignalSpy opened(&queue, &QueueManager::opened);
    QSignalSpy finished(&queue, &QueueManager::shutdownFinished);

    // open(): the store's thread waits for the lock (reserving ids is a write); this one not.
    QElapsedTimer call;
    call.start();
    queue.open(data);
    QVERIFY2(call.elapsed() < 100, QByteArray::number(call.elapsed()).constData());
    QCOMPARE(queue.phase(), QueueManager::Phase::Opening);
    QTest::qWait(kLockHoldMs); // the lock is held: opened() cannot have come yet
    QCOMPARE(opened.size(), 0);
    lock.release();
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.at(0).at(0).value<Error>().code, ErrorCode::None);
    QVERIFY(queue.isOpen());

    // Adds and a shutdown while the lock is held again: nothing waits for the inserts, and
    // shutdownFinished() comes only once they are written.
    QVERIFY(lock.take(data));
    QueueManager::EnqueueOptions paused;
    paused.startPaused = true;
    QList<DownloadRequest> requests;
    for (int i = 0; i < 50; ++i) {
        DownloadRequest r;
        r.url = QUrl(QStringLiteral("http://127.0.0.1:9/f%1").arg(i));
        r.directory = dir.path();
        requests.append(r);
    }
    call.restart();
    const QList<qint64> ids = queue.enqueue(requests, paused);
    queue.shutdown();
    QVERIFY2(call.elapsed() < 100, QByteArray::number(call.elapsed()).constData());
    QVERIFY(!ids.contains(0));
    QTest::qWait(kLockHoldMs);
    QCOMPARE(finished.size(), 0);
    lock.release();
    QVERIFY(finished.wait(15000));
    QCOMPARE(queue.phase(), QueueManager::Phase::Closed);
    qInfo("longest stall of the queue's thread: %lld ms (the store was held %d ms twice)",
          probe.longestMs(), kLockHoldMs);
    QVERIFY2(probe.longestMs() < kMaxGapMs, QByteArray::number(probe.longestMs()).constData());

    TransferStore check;
    QVERIFY(check.open(data));
    for (qint64 id : ids) {
        const auto row = check.load(id);
        QVERIFY(row);
        QCOMPARE(row->state, TransferState::Paused);
    }
}

void TestQueueAsync::shutdownWhileOpening()
{
    QTemporaryDir dir;
    QueueManager queue;
    QList<QByteArray> order;
    Error openError;
    connect(&queue, &QueueManager::opened, this, [&](const Error &e) {
        order.append("opened");
        openError = e;
    });
    connect(&queue, &QueueManager::shutdownFinished, this,
            [&] { order.append("shutdownFinished"); });
    queue.open(dir.filePath(QStringLiteral("data")));
    queue.shutdown();
    queue.shutdown();         // asked twice: one answer
    QVERIFY(order.isEmpty()); // never from inside the call
    QTRY_COMPARE(order, QList<QByteArray>({"opened", "shutdownFinished"}));
    QCOMPARE(openError.code, ErrorCode::Cancelled);
    QCOMPARE(queue.phase(), QueueManager::Phase::Closed);
    QTest::qWait(50);
    QCOMPARE(order.size(), 2);
    // Closed: shutdown() answers on the next turn, and the queue opens again.
    QSignalSpy finished(&queue, &QueueManager::shutdownFinished);
    queue.shutdown();
    QCOMPARE(finished.size(), 0);
    QVERIFY(finished.wait(5000));
    QVERIFY(openQueue(queue, dir.filePath(QStringLiteral("data"))));
    QVERIFY(shutDownQueue(queue));
}

void TestQueueAsync::shutdownWhileRunningSavesEveryOffset()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    const QString out = dir.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    FaultServer server;
    QVERIFY(server.listenInThread());
    constexpr int kFiles = 3;
    QList<QByteArray> bodies;
    QList<DownloadRequest> requests;
    for (int i = 0; i < kFiles; ++i) {
        FaultServer::Resource res;
        res.body = makeTestData(3 << 20, quint32(40 + i));
        res.bytesPerSecond = 512 << 10; // seconds to finish: the shutdown comes first
        const QByteArray path = "/s" + QByteArray::number(i);
        server.setResource(path, res);
        bodies.append(res.body);
        DownloadRequest r;
        r.url = QUrl(QString::fromLatin1(server.url(path)));
        r.directory = out;
        r.connections = 1;
        requests.append(r);
    }
    QList<qint64> ids;
    QHash<qint64, qint64> shownDone; // what the queue showed before the shutdown
    {
        QueueManager queue;
        queue.setMaxActive(kFiles);
        queue.setMaxPerHost(kFiles);
        QVERIFY(openQueue(queue, data));
        ids = queue.enqueue(requests);
        QCOMPARE(ids.size(), kFiles);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (qint64 id : std::as_const(ids)) {
                    if (queue.snapshot(id)->progress.done < (256 << 10))
                        return false;
                }
                return true;
            }(),
            20000);
        for (qint64 id : std::as_const(ids))
            shownDone.insert(id, queue.snapshot(id)->progress.done);
        QSignalSpy finished(&queue, &QueueManager::shutdownFinished);
        QElapsedTimer call;
        call.start();
        queue.shutdown();
        QVERIFY2(call.elapsed() < 100, QByteArray::number(call.elapsed()).constData());
        QCOMPARE(queue.phase(), QueueManager::Phase::Stopping);
        QCOMPARE(finished.size(), 0); // later, on the event loop
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(queue.phase(), QueueManager::Phase::Closed);
    }
    // Every offset is stored once shutdownFinished() came: at least what was shown, still
    // running (so that the next start resumes it), the partial file as long as the offset.
    QHash<qint64, qint64> stored;
    {
        TransferStore store;
        QVERIFY(store.open(data));
        for (qint64 id : std::as_const(ids)) {
            const auto row = store.load(id);
            QVERIFY(row);
            QCOMPARE(row->state, TransferState::Active);
            QVERIFY2(
                row->doneSize >= shownDone.value(id),
                qPrintable(QStringLiteral("%1 < %2").arg(row->doneSize).arg(shownDone.value(id))));
            QVERIFY(row->doneSize < qint64(bodies.first().size()));
            stored.insert(id, row->doneSize);
        }
    }
    // The next run resumes each from exactly its stored offset, to byte-exact files.
    const qsizetype before = server.requests().size();
    QueueManager queue;
    queue.setMaxActive(kFiles);
    QSignalSpy idle(&queue, &QueueManager::idle);
    for (int i = 0; i < kFiles; ++i) {
        FaultServer::Resource res = server.resource("/s" + QByteArray::number(i));
        res.bytesPerSecond = 0;
        server.setResource("/s" + QByteArray::number(i), res);
    }
    QVERIFY(openQueue(queue, data));
    QVERIFY(idle.wait(60000));
    for (int i = 0; i < kFiles; ++i) {
        const qint64 id = ids.at(i);
        QCOMPARE(queue.snapshot(id)->state, TransferState::Completed);
        QCOMPARE(fileSha256Hex(queue.record(id)->destination), sha256Hex(bodies.at(i)));
        QByteArray firstRange;
        const QList<FaultServer::Request> all = server.requests();
        for (qsizetype k = before; k < all.size() && firstRange.isEmpty(); ++k) {
            if (all.at(k).path == "/s" + QByteArray::number(i))
                firstRange = all.at(k).headers.value("range", "none");
        }
        QCOMPARE(firstRange, "bytes=" + QByteArray::number(stored.value(id)) + "-" +
                                 QByteArray::number(bodies.at(i).size() - 1));
    }
    QVERIFY(shutDownQueue(queue));
}

QTEST_GUILESS_MAIN(TestQueueAsync)
#include "tst_queueasync.moc"

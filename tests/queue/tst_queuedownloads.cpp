// QueueManager with the real engine (HttpDownloadJob) against the FaultServer on 127.0.0.1:
// several downloads under the limits, byte-exact; a shared speed limit; a restart mid-way; a
// per-transfer limit changed while running reaches the engine; the queue's row is the engine's
// row (a completed download whose file is gone comes back into the same row, never a duplicate).
#include "FaultServer.h"
#include "QueueWait.h"
#include "queue/QueueManager.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::test;

class TestQueueDownloads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void severalDownloadsByteExact();
    void globalSpeedLimitIsShared();
    void restartContinuesByteExact();
    void pausedStaysPausedAfterRestart();
    void perTransferLimitChangedWhileRunning();
    void completedFileGoneSameRow();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FaultServer> m_server;
    QString dataDir() const { return m_dir->filePath(QStringLiteral("data")); }
    QString outDir() const { return m_dir->filePath(QStringLiteral("out")); }
    DownloadRequest request(const QByteArray &path) const
    {
        DownloadRequest r;
        r.url = QUrl(QString::fromLatin1(m_server->url(path)));
        r.directory = outDir();
        r.retryDelayMs = 50;
        r.stallTimeoutSec = 5;
        return r;
    }
    std::unique_ptr<QueueManager> openQueue(int maxActive, int maxPerHost)
    {
        auto q = std::make_unique<QueueManager>();
        q->setMaxActive(maxActive);
        q->setMaxPerHost(maxPerHost);
        QueueManager::Options options;
        options.threads = 2;
        Error error;
        if (!bt::queuetest::openQueue(*q, dataDir(), options, &error)) {
            qWarning() << error.message;
            return nullptr;
        }
        return q;
    }
};

void TestQueueDownloads::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(QDir().mkpath(outDir()));
    m_server = std::make_unique<FaultServer>();
    QVERIFY(m_server->listenInThread());
}

void TestQueueDownloads::severalDownloadsByteExact()
{
    QHash<QString, QByteArray> expected;
    QList<DownloadRequest> requests;
    for (int i = 0; i < 6; ++i) {
        const QByteArray path = "/file-" + QByteArray::number(i) + ".bin";
        FaultServer::Resource res;
        res.body = makeTestData(100000 + i * 150000, quint32(i + 1));
        m_server->setResource(path, res);
        expected.insert(QDir(outDir()).filePath(QString::fromLatin1(path.mid(1))), res.body);
        requests.append(request(path));
    }
    // One transient fault: the engine retries it, the queue never sees it.
    m_server->queueFault("/file-2.bin", {FaultServer::Fault::Kind::Status, 0, 503});
    auto queue = openQueue(3, 2);
    QVERIFY(queue);
    QSignalSpy idle(queue.get(), &QueueManager::idle);
    QSignalSpy finished(queue.get(), &QueueManager::transferFinished);
    int maxTransferring = 0;
    int maxJobs = 0;
    connect(queue.get(), &QueueManager::snapshotsChanged, this, [&] {
        maxTransferring = qMax(maxTransferring, queue->transferringJobCount());
        maxJobs = qMax(maxJobs, queue->runningJobCount());
    });
    const QList<qint64> ids = queue->enqueue(requests);
    QVERIFY(!ids.contains(0));
    QVERIFY(queue->runningJobCount() <= 2); // one host: its cap
    QVERIFY(idle.wait(60000));
    QCOMPARE(finished.size(), 6);
    QVERIFY(maxTransferring <= 2); // on the network: the host's cap
    QVERIFY(maxJobs <= 6);         // with those that only publish: twice the downloads at a time
    for (qint64 id : ids) {
        const auto s = queue->snapshot(id);
        QCOMPARE(s->state, TransferState::Completed);
        const QString path = queue->record(id)->destination;
        QVERIFY2(expected.contains(path), qPrintable(path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(sha256Hex(f.readAll()), sha256Hex(expected.value(path)));
    }
    queue.reset();
    TransferStore store;
    QVERIFY(store.open(dataDir()));
    const QList<TransferRecord> rows = store.loadAll();
    QCOMPARE(rows.size(), 6); // the engine continued the queue's rows, no duplicates
    for (const TransferRecord &r : rows)
        QCOMPARE(r.state, TransferState::Completed);
}

void TestQueueDownloads::globalSpeedLimitIsShared()
{
    FaultServer::Resource res;
    res.body = makeTestData(600000, 7);
    m_server->setResource("/a.bin", res);
    res.body = makeTestData(600000, 8);
    m_server->setResource("/b.bin", res);
    auto queue = openQueue(3, 0);
    QVERIFY(queue);
    queue->setSpeedLimits({600000, 0, 0}); // both together: about 2 s for 1.2 MB
    QSignalSpy idle(queue.get(), &QueueManager::idle);
    QElapsedTimer t;
    t.start();
    queue->enqueue({request("/a.bin"), request("/b.bin")});
    QVERIFY(idle.wait(30000));
    const qint64 ms = t.elapsed();
    qInfo("1.2 MB under a shared 600 kB/s limit: %lld ms", ms);
    QVERIFY2(ms > 1400, qPrintable(QString::number(ms)));
    for (qint64 id : queue->ids())
        QCOMPARE(queue->snapshot(id)->state, TransferState::Completed);
}

void TestQueueDownloads::restartContinuesByteExact()
{
    QList<DownloadRequest> requests;
    QList<QByteArray> bodies;
    for (int i = 0; i < 3; ++i) {
        const QByteArray path = "/slow-" + QByteArray::number(i) + ".bin";
        FaultServer::Resource res;
        res.body = makeTestData(1500000, quint32(20 + i));
        res.bytesPerSecond = 1000000;
        m_server->setResource(path, res);
        bodies.append(res.body);
        requests.append(request(path));
    }
    QList<qint64> ids;
    {
        auto queue = openQueue(3, 0);
        QVERIFY(queue);
        ids = queue->enqueue(requests);
        // Wait until every one has some data on disk, then close (as at exit).
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (qint64 id : ids) {
                    if (queue->snapshot(id)->progress.done < 200000)
                        return false;
                }
                return true;
            }(),
            20000);
        QVERIFY(shutDownQueue(*queue)); // as at exit
    }
    {
        TransferStore store;
        QVERIFY(store.open(dataDir()));
        for (qint64 id : ids)
            QCOMPARE(store.load(id)->state, TransferState::Active);
    }
    const qsizetype before = m_server->requests().size();
    auto queue = openQueue(3, 0);
    QVERIFY(queue);
    QCOMPARE(queue->count(), 3);
    QSignalSpy idle(queue.get(), &QueueManager::idle);
    QVERIFY(idle.wait(60000));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(queue->snapshot(ids[i])->state, TransferState::Completed);
        QCOMPARE(fileSha256Hex(queue->record(ids[i])->destination), sha256Hex(bodies[i]));
    }
    // Resumed, not restarted: the second run asked with Range.
    bool ranged = false;
    const QList<FaultServer::Request> all = m_server->requests();
    for (qsizetype i = before; i < all.size(); ++i)
        ranged = ranged || (all[i].headers.contains("range") &&
                            !all[i].headers.value("range").startsWith("bytes=0-"));
    QVERIFY(ranged);
    queue.reset();
    TransferStore store;
    QVERIFY(store.open(dataDir()));
    QCOMPARE(store.loadAll().size(), 3);
}

void TestQueueDownloads::pausedStaysPausedAfterRestart()
{
    // The state is the queue's: the engine's last saves after a pause (its offsets) never
    // turn the row back to running, so a restart leaves it paused; resumed, it continues.
    FaultServer::Resource res;
    res.body = makeTestData(1500000, 31);
    res.bytesPerSecond = 1000000;
    m_server->setResource("/paused.bin", res);
    qint64 id = 0;
    {
        auto queue = openQueue(3, 0);
        QVERIFY(queue);
        id = queue->enqueue(request("/paused.bin"));
        QTRY_VERIFY_WITH_TIMEOUT(queue->snapshot(id)->progress.done >= 200000, 20000);
        queue->pause({id});
        QTRY_VERIFY_WITH_TIMEOUT(queue->snapshot(id)->progress.connections == 0, 10000);
    }
    qint64 kept = 0;
    {
        TransferStore store;
        QVERIFY(store.open(dataDir()));
        const auto row = store.load(id);
        QCOMPARE(row->state, TransferState::Paused);
        kept = row->doneSize;
        QVERIFY(kept >= 200000);
    }
    auto queue = openQueue(3, 0);
    QVERIFY(queue);
    queue->tick();
    QCOMPARE(queue->snapshot(id)->state, TransferState::Paused);
    const qsizetype before = m_server->requests().size();
    QSignalSpy idle(queue.get(), &QueueManager::idle);
    queue->resume({id});
    QVERIFY(idle.wait(60000));
    QCOMPARE(queue->snapshot(id)->state, TransferState::Completed);
    QCOMPARE(fileSha256Hex(queue->record(id)->destination), sha256Hex(res.body));
    const QList<FaultServer::Request> all = m_server->requests();
    QVERIFY(all.size() > before);
    const QByteArray range = all.at(before).headers.value("range");
    QVERIFY2(range.startsWith("bytes=" + QByteArray::number(kept) + "-"), range.constData());
}

void TestQueueDownloads::perTransferLimitChangedWhileRunning()
{
    // 4 MiB at 512 KiB/s each would take 8 s; the limit is lifted once it runs.
    FaultServer::Resource res;
    res.body = makeTestData(4 << 20, 71);
    m_server->setResource("/l.bin", res);
    auto queue = openQueue(3, 2);
    QVERIFY(queue);
    queue->setSpeedLimits({0, 0, 512 << 10});
    QSignalSpy finished(queue.get(), &QueueManager::transferFinished);
    bool lifted = false;
    qint64 doneWhenLifted = -1;
    connect(queue.get(), &QueueManager::snapshotsChanged, this,
            [&](const QList<TransferSnapshot> &changed) {
                for (const TransferSnapshot &s : changed) {
                    if (!lifted && s.progress.done > 0) {
                        lifted = true;
                        doneWhenLifted = s.progress.done;
                        queue->setSpeedLimits({0, 0, 0});
                    }
                }
            });
    QElapsedTimer clock;
    clock.start();
    const qint64 id = queue->enqueue(request("/l.bin"));
    QVERIFY(id > 0);
    QVERIFY(finished.wait(30000));
    QVERIFY(lifted);
    // The limit held at first (about 128 KiB a snapshot), then was gone.
    QVERIFY2(doneWhenLifted < (1 << 20), QByteArray::number(doneWhenLifted).constData());
    QVERIFY2(clock.elapsed() < 4000, QByteArray::number(clock.elapsed()).constData());
    QCOMPARE(finished.first().first().value<TransferResult>().error.code, ErrorCode::None);
    QFile f(QDir(outDir()).filePath(QStringLiteral("l.bin")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(sha256Hex(f.readAll()), sha256Hex(res.body));
}

void TestQueueDownloads::completedFileGoneSameRow()
{
    FaultServer::Resource res;
    res.body = makeTestData(300 << 10, 72);
    m_server->setResource("/g.bin", res);
    const QString path = QDir(outDir()).filePath(QStringLiteral("g.bin"));
    {
        auto queue = openQueue(3, 2);
        QVERIFY(queue);
        QSignalSpy finished(queue.get(), &QueueManager::transferFinished);
        const qint64 id = queue->enqueue(request("/g.bin"));
        QVERIFY(finished.wait(30000));
        QCOMPARE(queue->snapshot(id)->state, TransferState::Completed);
        QVERIFY(QFile::remove(path));
    }
    auto queue = openQueue(3, 2);
    QVERIFY(queue);
    QSignalSpy finished(queue.get(), &QueueManager::transferFinished);
    const qint64 id = queue->enqueue(request("/g.bin"));
    QVERIFY(finished.wait(30000));
    const TransferResult r = finished.first().first().value<TransferResult>();
    QCOMPARE(r.error.code, ErrorCode::None);
    QVERIFY(!r.alreadyComplete);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(sha256Hex(f.readAll()), sha256Hex(res.body));
    queue.reset();
    TransferStore store;
    QVERIFY(store.open(dataDir()));
    const QList<TransferRecord> rows = store.loadAll();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().id, id);
    QCOMPARE(rows.first().state, TransferState::Completed);
    QCOMPARE(rows.first().destination, path);
}

QTEST_GUILESS_MAIN(TestQueueDownloads)
#include "tst_queuedownloads.moc"

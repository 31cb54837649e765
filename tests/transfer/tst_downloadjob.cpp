// The engine as the queue runs it (HttpDownloadJob on a worker thread): a per-transfer limit
// changed while running reaches the engine; the queue's row is the engine's row (a completed
// download whose file is gone comes back into the same row, never a duplicate).

#include "FaultServer.h"
#include "queue/QueueManager.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::test;

class TestDownloadJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
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
    std::unique_ptr<QueueManager> openQueue()
    {
        auto q = std::make_unique<QueueManager>();
        QueueManager::Options options;
        options.threads = 2;
        Error error;
        if (!q->open(dataDir(), options, &error)) {
            qWarning() << error.message;
            return nullptr;
        }
        return q;
    }
};

void TestDownloadJob::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(QDir().mkpath(outDir()));
    m_server = std::make_unique<FaultServer>();
    QVERIFY(m_server->listenInThread());
}

void TestDownloadJob::perTransferLimitChangedWhileRunning()
{
    // 4 MiB at 512 KiB/s each would take 8 s; the limit is lifted once it runs.
    FaultServer::Resource res;
    res.body = makeTestData(4 << 20, 71);
    m_server->setResource("/l.bin", res);
    auto queue = openQueue();
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

void TestDownloadJob::completedFileGoneSameRow()
{
    FaultServer::Resource res;
    res.body = makeTestData(300 << 10, 72);
    m_server->setResource("/g.bin", res);
    const QString path = QDir(outDir()).filePath(QStringLiteral("g.bin"));
    {
        auto queue = openQueue();
        QVERIFY(queue);
        QSignalSpy finished(queue.get(), &QueueManager::transferFinished);
        const qint64 id = queue->enqueue(request("/g.bin"));
        QVERIFY(finished.wait(30000));
        QCOMPARE(queue->snapshot(id)->state, TransferState::Completed);
        QVERIFY(QFile::remove(path));
    }
    auto queue = openQueue();
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

QTEST_GUILESS_MAIN(TestDownloadJob)
#include "tst_downloadjob.moc"

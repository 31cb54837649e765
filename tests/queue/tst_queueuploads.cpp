// QueueManager with the real upload engine (UploadJob) against the @tus/server of
// tests/upload on 127.0.0.1: two uploads through the queue, byte-exact on the server; a
// queued upload comes back after reopening the store and finishes; an order changed while an
// upload runs stays in its row. Credentials are never written to the store.
#include "QueueWait.h"
#include "TestData.h"
#include "UploadServers.h"
#include "queue/QueueManager.h"
#include "store/TransferStore.h"
#include "upload/UploadRequestCodec.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using bt::test::anyFileContains;

namespace {
const QByteArray kToken = "queue-test-token-7f3a9c";
} // namespace

class TestQueueUploads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void twoUploadsByteExact();
    void queuedUploadComesBackAfterRestart();
    void cancelTerminatesOnServer();
    void orderChangedWhileRunningIsKept();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TusTestServer> m_server;
    QString dataDir() const { return m_dir->filePath(QStringLiteral("data")); }
    UploadRequest request(const QString &path) const
    {
        UploadRequest r;
        r.sourcePath = path;
        r.url = m_server->endpoint();
        r.method = UploadRequest::Method::Tus;
        r.bearerToken = QString::fromLatin1(kToken);
        r.retryDelayMs = 50;
        r.stallTimeoutSec = 5;
        return r;
    }
    std::unique_ptr<QueueManager> openQueue()
    {
        auto q = std::make_unique<QueueManager>(); // the default factory: uploads and downloads
        q->setMaxActive(3);
        q->setMaxPerHost(2);
        QueueManager::Options options;
        options.threads = 2;
        Error error;
        if (!bt::queuetest::openQueue(*q, dataDir(), options, &error)) {
            qWarning() << error.message;
            return nullptr;
        }
        return q;
    }
    QString storedCopy(qint64 id) const
    {
        TransferStore store;
        if (!store.open(dataDir()))
            return {};
        const auto rec = store.load(id);
        return rec ? m_server->storedFile(QUrl(rec->uploadUrl)) : QString();
    }
};

void TestQueueUploads::initTestCase()
{
    if (!TusTestServer::nodeInstalled())
        QSKIP("node is not installed: the tus server (@tus/server) cannot run");
}

void TestQueueUploads::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_server = std::make_unique<TusTestServer>();
    QString why;
    QVERIFY2(m_server->start(&why), qPrintable(why));
}

void TestQueueUploads::twoUploadsByteExact()
{
    const QByteArray a = randomBytes(3 * 1024 * 1024 + 17, 11);
    const QByteArray b = randomBytes(700 * 1024 + 3, 12);
    const QString pathA = m_dir->filePath(QStringLiteral("a.bin"));
    const QString pathB = m_dir->filePath(QStringLiteral("b file.bin"));
    QVERIFY(writeFile(pathA, a));
    QVERIFY(writeFile(pathB, b));

    auto queue = openQueue();
    QVERIFY(queue);
    QSignalSpy idle(queue.get(), &QueueManager::idle);
    QSignalSpy finished(queue.get(), &QueueManager::transferFinished);
    const QList<qint64> ids = queue->enqueueUploads({request(pathA), request(pathB)});
    QCOMPARE(ids.size(), 2);
    QVERIFY(!ids.contains(0));
    QCOMPARE(queue->record(ids[0])->direction, TransferDirection::Upload);
    QVERIFY(idle.wait(60000));
    QCOMPARE(finished.size(), 2);
    for (const auto &args : finished) {
        const auto r = args.at(0).value<TransferResult>();
        QVERIFY2(!r.error.isError(), qPrintable(r.error.message));
    }
    for (qint64 id : ids)
        QCOMPARE(queue->snapshot(id)->state, TransferState::Completed);
    queue.reset();

    QCOMPARE(m_server->uploadCount(), 2);
    QCOMPARE(sha256OfFile(storedCopy(ids[0])), sha256(a));
    QCOMPARE(sha256OfFile(storedCopy(ids[1])), sha256(b));
    TransferStore store;
    QVERIFY(store.open(dataDir()));
    const QList<TransferRecord> rows = store.loadAll();
    QCOMPARE(rows.size(), 2); // the engine continued the queue's rows
    for (const TransferRecord &r : rows) {
        QCOMPARE(r.state, TransferState::Completed);
        QCOMPARE(r.direction, TransferDirection::Upload);
    }
    store.close();
    QVERIFY(!anyFileContains(dataDir(), kToken));
}

void TestQueueUploads::queuedUploadComesBackAfterRestart()
{
    const QByteArray data = randomBytes(1024 * 1024 + 5, 21);
    const QString path = m_dir->filePath(QStringLiteral("later.bin"));
    QVERIFY(writeFile(path, data));
    qint64 id = 0;
    {
        auto queue = openQueue();
        QVERIFY(queue);
        QueueManager::EnqueueOptions options;
        options.startPaused = true; // held: it must not start before the restart
        id = queue->enqueueUploads({request(path)}, options).value(0);
        QVERIFY(id > 0);
        QVERIFY(flushQueue(*queue));
    }
    QVERIFY(!anyFileContains(dataDir(), kToken));
    QCOMPARE(m_server->uploadCount(), 0);

    auto queue = openQueue();
    QVERIFY(queue);
    int asked = 0;
    queue->setUploadCredentialProvider([&](const TransferRecord &r) {
        ++asked;
        UploadCredentials c;
        if (r.url == m_server->endpoint())
            c.bearerToken = QString::fromLatin1(kToken);
        return c;
    });
    const auto rec = queue->record(id);
    QVERIFY(rec);
    QCOMPARE(rec->direction, TransferDirection::Upload);
    QCOMPARE(rec->state, TransferState::Paused);
    const UploadRequest back = uploadcodec::fromRecord(*rec);
    QCOMPARE(back.sourcePath, path);
    QCOMPARE(back.url, m_server->endpoint());
    QCOMPARE(back.method, UploadRequest::Method::Tus);
    QVERIFY(back.bearerToken.isEmpty());

    QSignalSpy idle(queue.get(), &QueueManager::idle);
    queue->resume({id});
    QVERIFY(idle.wait(60000));
    QCOMPARE(queue->snapshot(id)->state, TransferState::Completed);
    QCOMPARE(asked, 1);
    queue.reset();
    QCOMPARE(m_server->uploadCount(), 1);
    QCOMPARE(sha256OfFile(storedCopy(id)), sha256(data));
}

// A person cancels a running tus upload: the queue asks the engine to terminate it, so the
// server does not keep a dead, half-written upload.
void TestQueueUploads::cancelTerminatesOnServer()
{
    const QByteArray data = randomBytes(4 * 1024 * 1024, 31);
    const QString path = m_dir->filePath(QStringLiteral("cancel.bin"));
    QVERIFY(writeFile(path, data));
    auto queue = openQueue();
    QVERIFY(queue);
    UploadRequest r = request(path);
    r.rateLimit = 256 * 1024; // slow enough to still be running when cancelled
    QSignalSpy finished(queue.get(), &QueueManager::transferFinished);
    const qint64 id = queue->enqueueUploads({r}).value(0);
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_server->uploadCount() == 1, 20000); // created on the server
    QTRY_VERIFY_WITH_TIMEOUT(queue->snapshot(id)->progress.done > 0, 20000);
    queue->cancel({id});
    QTRY_VERIFY_WITH_TIMEOUT(m_server->uploadCount() == 0, 20000); // DELETE reached it
    QCOMPARE(queue->snapshot(id)->state, TransferState::Failed);
    QCOMPARE(QFileInfo(path).size(), data.size()); // the source is untouched
}

// The queue owns priority and position: a running upload that saves its progress must not
// write back the values it started with (the row would come back in the old order after a
// crash or restart).
void TestQueueUploads::orderChangedWhileRunningIsKept()
{
    const QByteArray data = randomBytes(1536 * 1024, 41);
    const QString pathA = m_dir->filePath(QStringLiteral("ordered.bin"));
    const QString pathB = m_dir->filePath(QStringLiteral("other.bin"));
    QVERIFY(writeFile(pathA, data));
    QVERIFY(writeFile(pathB, randomBytes(1000, 42)));
    auto queue = openQueue();
    QVERIFY(queue);
    UploadRequest r = request(pathA);
    r.chunkSize = 128 * 1024; // the engine saves its row after every PATCH
    r.rateLimit = 512 * 1024;
    const qint64 a = queue->enqueueUploads({r}).value(0);
    QueueManager::EnqueueOptions held;
    held.startPaused = true;
    const qint64 b = queue->enqueueUploads({request(pathB)}, held).value(0);
    QVERIFY(a > 0 && b > 0);

    TransferStore store;
    QVERIFY(store.open(dataDir()));
    const auto stored = [&store, a] { return store.load(a).value_or(TransferRecord{}); };
    QTRY_VERIFY_WITH_TIMEOUT(stored().doneSize > 0, 20000); // running, saving its row
    queue->setPriority({a}, 5);
    queue->moveDown({a}); // below b
    const qint64 position = queue->record(a)->position;
    QCOMPARE(position, queue->record(b)->position + 1);
    QVERIFY(flushQueue(*queue));
    const qint64 doneThen = stored().doneSize;
    QVERIFY(doneThen < data.size());
    // The engine saves again after the queue's write: the queue's order stays.
    QTRY_VERIFY_WITH_TIMEOUT(stored().doneSize > doneThen, 20000);
    QCOMPARE(stored().priority, 5);
    QCOMPARE(stored().position, position);

    QTRY_COMPARE_WITH_TIMEOUT(queue->snapshot(a)->state, TransferState::Completed, 30000);
    QVERIFY(flushQueue(*queue));
    const TransferRecord done = stored();
    QCOMPARE(done.state, TransferState::Completed);
    QCOMPARE(done.doneSize, qint64(data.size()));
    QCOMPARE(done.priority, 5);
    QCOMPARE(done.position, position);
    QCOMPARE(sha256OfFile(storedCopy(a)), sha256(data));
}

QTEST_GUILESS_MAIN(TestQueueUploads)
#include "tst_queueuploads.moc"

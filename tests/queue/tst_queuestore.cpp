// QueueStore as the one writer of the store: the queue's writes and every transfer's
// checkpoints from any thread go into one ordered list, a read sees what was handed over
// before it, many writers share few transactions, a durable save is committed before its
// answer, and a row removed while its transfer still writes is no error.
#include "queue/QueueStore.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <memory>

using namespace bt;

namespace {
TransferRecord newRow(QueueStore &store, const QString &name)
{
    TransferRecord r;
    r.id = store.newId();
    r.url = QUrl(QStringLiteral("http://127.0.0.1/") + name);
    r.directory = QStringLiteral("/tmp");
    r.state = TransferState::Active;
    return r;
}

// Everything handed over before is written (the store answers; nothing waits for it).
bool flushed(QueueStore &store)
{
    bool done = false;
    store.afterWrites([&done] { done = true; });
    return QTest::qWaitFor([&done] { return done; }, 20000);
}

bool closed(QueueStore &store)
{
    QSignalSpy spy(&store, &QueueStore::closed);
    store.close();
    return spy.wait(20000);
}

// A QueueStore open on a fresh data directory.
struct OpenStore
{
    QTemporaryDir dir;
    QueueStore store;
    Error error;
    bool ok = false;
    OpenStore()
    {
        QSignalSpy opened(&store, &QueueStore::opened);
        store.open(dir.path());
        ok = opened.wait(20000) && !opened.at(0).at(0).value<Error>().isError();
        if (!opened.isEmpty())
            error = opened.at(0).at(0).value<Error>();
    }
};

// Runs `f` on a thread of its own with an event loop (as a worker), then ends it.
class Worker
{
public:
    Worker()
    {
        m_thread.start();
        m_context = std::make_unique<QObject>();
        m_context->moveToThread(&m_thread);
    }
    ~Worker()
    {
        QMetaObject::invokeMethod(
            m_context.get(), [this] { m_context.reset(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    template <typename F> void run(F f)
    {
        QMetaObject::invokeMethod(m_context.get(), [this, f] { f(m_context.get()); });
    }

private:
    QThread m_thread;
    std::unique_ptr<QObject> m_context;
};
} // namespace

class TestQueueStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readSeesWhatCameBefore();
    void manyWritersShareCommits();
    void durableAnswerAfterCommit();
    void removedRowIsNoError();
    void idsComeFromTheReserve();
    void answerDroppedWhenAskerGone();
    void failedRowOfABatchAlone();
    void openReadsOnlyTheRowsAskedFor();
};

void TestQueueStore::readSeesWhatCameBefore()
{
    // The queue inserts a row and a worker at once asks for it: the read comes after the
    // insert, never before (no wait for "inserted" needed).
    OpenStore opened;
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QueueStore &store = opened.store;
    TransferRecord row = newRow(store, QStringLiteral("a"));
    store.insert(row);
    Worker worker;
    std::atomic<int> answers{0};
    std::atomic<bool> found{false};
    std::atomic<qint64> done{-1};
    worker.run([&](QObject *context) {
        store.load(row.id, context, [&, context](const std::optional<TransferRecord> &r) {
            found = r.has_value();
            // A checkpoint from this thread, then a read of it from here again.
            store.saveProgress(row.id, 4096, {{0, -1, 4096}});
            store.load(row.id, context, [&](const std::optional<TransferRecord> &again) {
                done = again ? again->doneSize : -2;
                ++answers;
            });
            ++answers;
        });
    });
    QTRY_COMPARE(answers.load(), 2);
    QVERIFY(found);
    QCOMPARE(done.load(), qint64(4096));
}

void TestQueueStore::manyWritersShareCommits()
{
    // Eight transfers save 200 checkpoints each while the store's thread is busy: every last
    // one is stored, in far fewer transactions than writes.
    OpenStore opened;
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QueueStore &store = opened.store;
    QSignalSpy failed(&store, &QueueStore::writeFailed);
    QList<qint64> ids;
    for (int i = 0; i < 8; ++i) {
        TransferRecord row = newRow(store, QString::number(i));
        store.insert(row);
        ids.append(row.id);
    }
    QVERIFY(flushed(store));
    const qint64 batchesBefore = store.batchCount();
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back(QThread::create([&store, id = ids.at(i)] {
            for (qint64 k = 1; k <= 200; ++k)
                store.saveProgress(id, k * 1000, {{0, -1, k * 1000}});
        }));
        threads.back()->start();
    }
    for (auto &t : threads)
        QVERIFY(t->wait(30000));
    QVERIFY(flushed(store));
    const qint64 batches = store.batchCount() - batchesBefore;
    QVERIFY2(batches >= 1 && batches < 1600, QByteArray::number(batches).constData());
    QCOMPARE(failed.size(), 0);
    QVERIFY(closed(store));
    TransferStore check;
    QVERIFY(check.open(opened.dir.path()));
    for (qint64 id : ids)
        QCOMPARE(check.load(id)->doneSize, qint64(200000));
    qInfo("1600 checkpoints from 8 threads in %lld batches", batches);
}

void TestQueueStore::durableAnswerAfterCommit()
{
    // The facts before a rename: when the answer comes, another connection reads them.
    OpenStore opened;
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QueueStore &store = opened.store;
    TransferRecord row = newRow(store, QStringLiteral("d"));
    store.insert(row);
    row.published = QStringLiteral("300 12345 1700000000000000000");
    row.totalSize = 300;
    QObject context;
    bool answered = false;
    QString seen;
    Error outcome{ErrorCode::Store, QStringLiteral("not answered")};
    store.saveDownloadStateDurably(row, &context, [&](const Error &e) {
        outcome = e;
        TransferStore other;
        if (other.open(opened.dir.path()))
            seen = other.load(row.id)->published;
        answered = true;
    });
    QTRY_VERIFY(answered);
    QCOMPARE(outcome.code, ErrorCode::None);
    QCOMPARE(seen, row.published);
}

void TestQueueStore::removedRowIsNoError()
{
    // A person removes a running transfer: its last checkpoints find no row, which is fine,
    // and they do not undo the other writes of their batch.
    OpenStore opened;
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QueueStore &store = opened.store;
    QSignalSpy failed(&store, &QueueStore::writeFailed);
    TransferRecord gone = newRow(store, QStringLiteral("gone"));
    TransferRecord kept = newRow(store, QStringLiteral("kept"));
    store.insert(gone);
    store.insert(kept);
    store.remove(gone.id);
    store.saveProgress(gone.id, 10, {{0, -1, 10}});
    gone.totalSize = 10;
    store.saveDownloadState(gone);
    store.setState(gone.id, TransferState::Failed, {ErrorCode::Cancelled, QStringLiteral("x")});
    store.saveProgress(kept.id, 20, {{0, -1, 20}});
    bool written = false;
    store.afterWrites([&] { written = true; });
    QTRY_VERIFY(written);
    QCOMPARE(failed.size(), 0);
    QVERIFY(closed(store));
    TransferStore check;
    QVERIFY(check.open(opened.dir.path()));
    QVERIFY(!check.load(gone.id));
    QCOMPARE(check.load(kept.id)->doneSize, qint64(20));
}

void TestQueueStore::idsComeFromTheReserve()
{
    // newId() never asks the store's thread: it takes from the reserve, which is refilled
    // ahead of use and grows to cover the largest batch announced; another connection's ids
    // never meet ours.
    OpenStore opened;
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QueueStore &store = opened.store;
    const qint64 held = store.idsHeld();
    QVERIFY(held >= 1024);
    QSet<qint64> ids;
    qint64 last = 0;
    for (qint64 i = 0; i < held; ++i) { // all of it in one turn: no round trip
        const qint64 id = store.newId();
        QVERIFY(id > last);
        last = id;
        ids.insert(id);
    }
    Error error;
    QCOMPARE(store.newId(&error), qint64(0)); // more than was held in one turn: not yet
    QCOMPARE(error.code, ErrorCode::Store);
    QVERIFY(!error.message.isEmpty());
    store.expectIds(5000);
    QTRY_VERIFY(store.idsHeld() >= 5000); // refilled on the store's thread
    for (int i = 0; i < 5000; ++i) {
        const qint64 id = store.newId();
        QVERIFY(id > 0);
        ids.insert(id);
    }
    QCOMPARE(ids.size(), qsizetype(held + 5000));
    QTRY_VERIFY(store.idsHeld() >= 5000); // ahead again for the next batch that large
    TransferStore other;
    QVERIFY(other.open(opened.dir.path()));
    qint64 first = 0;
    QVERIFY(other.reserveIds(10, &first));
    for (qint64 id = first; id < first + 10; ++id)
        QVERIFY(!ids.contains(id));
    QVERIFY(first > *std::max_element(ids.cbegin(), ids.cend()));
}

void TestQueueStore::answerDroppedWhenAskerGone()
{
    // A transfer deleted before its answer arrives: nothing is called, nothing crashes.
    OpenStore opened;
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QueueStore &store = opened.store;
    TransferRecord row = newRow(store, QStringLiteral("x"));
    store.insert(row);
    bool called = false;
    auto *asker = new QObject;
    store.load(row.id, asker, [&](const std::optional<TransferRecord> &) { called = true; });
    delete asker;
    bool written = false;
    store.afterWrites([&] { written = true; });
    QTRY_VERIFY(written);
    QCoreApplication::processEvents();
    QVERIFY(!called);
}

void TestQueueStore::failedRowOfABatchAlone()
{
    // Inserts in a row travel together; one that cannot be written (its id is taken) fails
    // alone: the rows before and after it are stored, inserted() names the one that failed.
    OpenStore opened;
    QVERIFY2(opened.ok, qPrintable(opened.error.message));
    QueueStore &store = opened.store;
    const TransferRecord first = newRow(store, QStringLiteral("first"));
    store.insert(first);
    QVERIFY(flushed(store));
    QSignalSpy inserted(&store, &QueueStore::inserted);
    QSignalSpy failed(&store, &QueueStore::writeFailed);
    const TransferRecord before = newRow(store, QStringLiteral("before"));
    TransferRecord taken = newRow(store, QStringLiteral("taken"));
    taken.id = first.id;
    const TransferRecord after = newRow(store, QStringLiteral("after"));
    store.insert(before);
    store.insert(taken);
    store.insert(after);
    QVERIFY(flushed(store));
    // Over every inserted(): the store's thread may have taken the first insert alone.
    const auto ids = [&inserted](int column) {
        QList<qint64> all;
        for (const QList<QVariant> &signal : std::as_const(inserted))
            all += signal.at(column).value<QList<qint64>>();
        return all;
    };
    QTRY_COMPARE(ids(0).size() + ids(1).size(), 3);
    QCOMPARE(ids(0), (QList<qint64>{before.id, after.id}));
    QCOMPARE(ids(1), QList<qint64>{first.id});
    QCOMPARE(failed.size(), 1);
    QVERIFY(closed(store));
    TransferStore check;
    QVERIFY(check.open(opened.dir.path()));
    QCOMPARE(check.load(before.id)->url, before.url);
    QCOMPARE(check.load(after.id)->url, after.url);
    QCOMPARE(check.load(first.id)->url, first.url);
}

QTEST_GUILESS_MAIN(TestQueueStore)
void TestQueueStore::openReadsOnlyTheRowsAskedFor()
{
    // btstream names the downloads it will ask for: open() reads their newest rows and the
    // uploads, not every download ever stored in the data folder.
    QTemporaryDir dir;
    qint64 other = 0, older = 0, newer = 0, upload = 0;
    {
        OpenStore first;
        QVERIFY2(first.ok, qPrintable(first.error.message));
        TransferRecord a = newRow(first.store, QStringLiteral("other"));
        TransferRecord b1 = newRow(first.store, QStringLiteral("wanted"));
        TransferRecord b2 = newRow(first.store, QStringLiteral("wanted"));
        TransferRecord up = newRow(first.store, QStringLiteral("upload"));
        up.direction = TransferDirection::Upload;
        for (const TransferRecord &r : {a, b1, b2, up})
            first.store.insert(r);
        QVERIFY(flushed(first.store));
        QVERIFY(closed(first.store));
        other = a.id;
        older = b1.id;
        newer = b2.id;
        upload = up.id;
        QVERIFY(QDir().rename(first.dir.path(), dir.filePath(QStringLiteral("data"))));
    }
    const QString dataDir = dir.filePath(QStringLiteral("data"));
    const auto idsOf = [](const QList<TransferRecord> &rows) {
        QList<qint64> ids;
        for (const TransferRecord &r : rows)
            ids.append(r.id);
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    const auto openWith = [&](std::optional<QList<DownloadKey>> only) {
        QueueStore store;
        QSignalSpy opened(&store, &QueueStore::opened);
        store.open(dataDir, 0, std::move(only));
        QList<TransferRecord> rows;
        if (opened.wait(20000))
            rows = opened.at(0).at(1).value<QList<TransferRecord>>();
        closed(store);
        return rows;
    };
    const DownloadKey wanted{QUrl(QStringLiteral("http://127.0.0.1/wanted")),
                             QStringLiteral("/tmp"), QString()};
    QCOMPARE(idsOf(openWith(QList<DownloadKey>{wanted, wanted})), (QList<qint64>{newer, upload}));
    QCOMPARE(idsOf(openWith(QList<DownloadKey>{})), (QList<qint64>{upload}));
    QCOMPARE(idsOf(openWith(std::nullopt)), (QList<qint64>{other, older, newer, upload}));
}

#include "tst_queuestore.moc"

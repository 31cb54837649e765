// TransferStore under stress: threads, corrupt files, other programs' locks, kill -9.
// The executable doubles as its own child process ("--progress-writer", "--hold-lock").
#include "StoreTestUtil.h"
#include "store/TransferStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QMutex>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <cstdio>

using namespace bt;
using namespace bt::storetest;

namespace {

// Child: commits updateProgress in a loop and prints each committed value.
int runProgressWriter(const QString &dataDir, qint64 id)
{
    TransferStore store;
    Error e;
    if (!store.open(dataDir, &e)) {
        std::fprintf(stderr, "open: %s\n", qPrintable(e.message));
        return 2;
    }
    for (qint64 i = 1; i < 10'000'000; ++i) {
        if (!store.updateProgress(id, i, {{0, -1, i}}, &e)) {
            std::fprintf(stderr, "updateProgress: %s\n", qPrintable(e.message));
            return 3;
        }
        std::printf("%lld\n", static_cast<long long>(i));
        std::fflush(stdout);
    }
    return 0;
}

// Child: holds an exclusive transaction on the file until its stdin closes.
int runLockHolder(const QString &path)
{
    int rc = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("h"));
        db.setDatabaseName(path);
        QSqlQuery q(db);
        if (!db.open() || !q.exec(QStringLiteral("BEGIN EXCLUSIVE"))) {
            std::fprintf(stderr, "lock: %s\n", qPrintable(q.lastError().text()));
            return 2;
        }
        std::printf("locked\n");
        std::fflush(stdout);
        while (std::fgetc(stdin) != EOF) {
        }
        q.exec(QStringLiteral("ROLLBACK"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("h"));
    return rc;
}

QStringList corruptBackups(const QString &dir)
{
    return QDir(dir).entryList({QStringLiteral("transfers.sqlite.corrupt-*")}, QDir::Files);
}

} // namespace

class TestStoreRobustness : public QObject
{
    Q_OBJECT

private:
    QString dbPath(const QTemporaryDir &dir) const
    {
        return dir.filePath(TransferStore::databaseFileName());
    }

    // Starts a child holding BEGIN EXCLUSIVE on `path`; returns once it holds the lock.
    bool startLockHolder(QProcess &p, const QString &path)
    {
        p.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--hold-lock"), path});
        if (!p.waitForStarted())
            return false;
        while (!p.canReadLine()) {
            if (!p.waitForReadyRead(10000))
                return false;
        }
        return p.readLine().trimmed() == "locked";
    }

    void stopLockHolder(QProcess &p)
    {
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
    }

private Q_SLOTS:
    void twoThreadsWriteConcurrently()
    {
        // Each instance must get its own named connection: Qt warns on a duplicate name.
        QTest::failOnWarning(QRegularExpression(QStringLiteral("connection")));
        constexpr int kRows = 60;
        constexpr int kUpdates = 4;
        QTemporaryDir tmp;
        QMutex mutex;
        QStringList failures;
        auto work = [&](int t) {
            auto fail = [&](const QString &what, const Error &e) {
                QMutexLocker lock(&mutex);
                failures << QStringLiteral("thread %1: %2: %3").arg(t).arg(what, e.message);
            };
            TransferStore store; // both open a fresh file at once: the migration races too
            Error e;
            if (!store.open(tmp.path(), &e))
                return fail(QStringLiteral("open"), e);
            for (int i = 0; i < kRows; ++i) {
                const bool batch = i % 10 == 0;
                if (batch && !store.beginBatch())
                    return fail(QStringLiteral("beginBatch"), store.lastError());
                TransferRecord r = makeRecord(t * 1000 + i);
                if (!store.insert(r, &e))
                    return fail(QStringLiteral("insert"), e);
                for (int k = 1; k <= kUpdates; ++k) {
                    if (!store.updateProgress(r.id, t * 1000 + i + k, {{0, -1, k}}, &e))
                        return fail(QStringLiteral("updateProgress"), e);
                }
                if (batch && !store.commitBatch())
                    return fail(QStringLiteral("commitBatch"), store.lastError());
            }
        };
        std::unique_ptr<QThread> a(QThread::create(work, 1));
        std::unique_ptr<QThread> b(QThread::create(work, 2));
        a->start();
        b->start();
        QVERIFY(a->wait(60000));
        QVERIFY(b->wait(60000));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));

        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        const auto all = store.loadAll();
        QCOMPARE(all.size(), 2 * kRows);
        QSet<qint64> done;
        for (const TransferRecord &r : all)
            done.insert(r.doneSize);
        for (int t = 1; t <= 2; ++t)
            for (int i = 0; i < kRows; ++i)
                QVERIFY(done.contains(t * 1000 + i + kUpdates));
    }

    void notADatabaseIsMovedAside()
    {
        QTemporaryDir tmp;
        QByteArray garbage;
        while (garbage.size() < 8192)
            garbage += "this is not an SQLite database. ";
        QFile f(dbPath(tmp));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(garbage);
        f.close();
        QFile wal(dbPath(tmp) + QStringLiteral("-wal"));
        QVERIFY(wal.open(QIODevice::WriteOnly));
        wal.write("stale wal");
        wal.close();

        TransferStore store;
        Error e;
        QVERIFY(!store.open(tmp.path(), &e));
        QVERIFY(!store.isOpen());
        QCOMPARE(e.code, ErrorCode::Store);
        const QStringList backups = corruptBackups(tmp.path());
        QCOMPARE(backups.size(), 1);
        const QString backup = tmp.filePath(backups.first());
        QVERIFY(QRegularExpression(QStringLiteral("\\.corrupt-\\d{8}-\\d{6}$"))
                    .match(backup)
                    .hasMatch());
        QVERIFY2(e.message.contains(backup), qPrintable(e.message));
        // SQLite discards an invalid WAL itself; a valid one would have been moved along.
        // Either way nothing stale is left to be replayed into the fresh store.
        QVERIFY(!QFile::exists(dbPath(tmp)));
        QVERIFY(!QFile::exists(dbPath(tmp) + QStringLiteral("-wal")));
        QVERIFY(!QFile::exists(dbPath(tmp) + QStringLiteral("-shm")));
        QFile b(backup);
        QVERIFY(b.open(QIODevice::ReadOnly));
        QCOMPARE(b.readAll(), garbage); // kept as it was, for a person to inspect

        // Told once: the next open starts a fresh store.
        QVERIFY2(store.open(tmp.path(), &e), qPrintable(e.message));
        QCOMPARE(store.schemaVersion(), 2);
        QVERIFY(store.loadAll().isEmpty());
        QCOMPARE(corruptBackups(tmp.path()).size(), 1);
    }

    void damagedPageIsMovedAside()
    {
        QTemporaryDir tmp;
        {
            TransferStore store;
            QVERIFY(store.open(tmp.path()));
            QVERIFY(store.beginBatch());
            for (int i = 0; i < 500; ++i) {
                TransferRecord r = makeRecord(i);
                QVERIFY(store.insert(r));
            }
            QVERIFY(store.commitBatch());
        } // the last connection checkpoints the WAL into the file
        QFile f(dbPath(tmp));
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 64 * 1024);
        // Scribble over the middle pages (the header stays valid).
        QVERIFY(f.seek((size / 2) & ~qint64(4095)));
        f.write(QByteArray(16384, '\xA5'));
        f.close();

        TransferStore store;
        Error e;
        QVERIFY(!store.open(tmp.path(), &e));
        QCOMPARE(e.code, ErrorCode::Store);
        QCOMPARE(corruptBackups(tmp.path()).size(), 1);
        QVERIFY2(e.message.contains(QLatin1String(".corrupt-")), qPrintable(e.message));
        QVERIFY(store.open(tmp.path(), &e));
        QVERIFY(store.loadAll().isEmpty());
    }

    void lockedWalStoreGivesClearError()
    {
        QTemporaryDir tmp;
        {
            TransferStore store;
            QVERIFY(store.open(tmp.path()));
            TransferRecord r = makeRecord(1);
            QVERIFY(store.insert(r));
        }
        QProcess holder;
        QVERIFY(startLockHolder(holder, dbPath(tmp)));
        TransferStore store;
        store.setBusyTimeout(300);
        Error e;
        // WAL readers are never blocked: the store opens and reads...
        QVERIFY2(store.open(tmp.path(), &e), qPrintable(e.message));
        QCOMPARE(store.loadAll().size(), 1);
        // ...but a write waits for the busy timeout, then says who is in the way.
        TransferRecord r = makeRecord(2);
        QVERIFY(!store.insert(r, &e));
        QCOMPARE(e.code, ErrorCode::Store);
        QVERIFY2(e.message.contains(QLatin1String("in use by another program")),
                 qPrintable(e.message));
        QVERIFY(!store.updateProgress(1, 5, {}, &e));
        QVERIFY(e.message.contains(QLatin1String("in use by another program")));
        stopLockHolder(holder);
        QVERIFY2(store.insert(r, &e), qPrintable(e.message));
    }

    void lockedOnOpenGivesClearError()
    {
        QTemporaryDir tmp;
        // An older (rollback journal, user_version 0) file held exclusively by another
        // program: even reading waits, so open() itself fails - and nothing is moved aside.
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            db.setDatabaseName(dbPath(tmp));
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE old (a INTEGER)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        QProcess holder;
        QVERIFY(startLockHolder(holder, dbPath(tmp)));
        TransferStore store;
        store.setBusyTimeout(300);
        Error e;
        QVERIFY(!store.open(tmp.path(), &e));
        QCOMPARE(e.code, ErrorCode::Store);
        QVERIFY2(e.message.contains(QLatin1String("in use by another program")),
                 qPrintable(e.message));
        QVERIFY(e.message.contains(dbPath(tmp)));
        QVERIFY(corruptBackups(tmp.path()).isEmpty());
        QVERIFY(QFile::exists(dbPath(tmp)));
        stopLockHolder(holder);
        QVERIFY2(store.open(tmp.path(), &e), qPrintable(e.message));
        QCOMPARE(store.schemaVersion(), 2);
    }

    void committedProgressSurvivesKill9()
    {
        QTemporaryDir tmp;
        qint64 id = 0;
        {
            TransferStore store;
            QVERIFY(store.open(tmp.path()));
            TransferRecord r = makeRecord(1);
            QVERIFY(store.insert(r));
            id = r.id;
        }
        QProcess writer;
        writer.setProcessChannelMode(QProcess::SeparateChannels);
        writer.start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--progress-writer"), tmp.path(), QString::number(id)});
        QVERIFY(writer.waitForStarted());
        qint64 lastPrinted = 0;
        QByteArray pending;
        auto drain = [&] {
            pending += writer.readAllStandardOutput();
            const int nl = pending.lastIndexOf('\n');
            if (nl < 0)
                return;
            const QList<QByteArray> lines = pending.left(nl).split('\n');
            pending.remove(0, nl + 1);
            lastPrinted = lines.last().trimmed().toLongLong();
        };
        while (lastPrinted < 300 && writer.state() == QProcess::Running) {
            writer.waitForReadyRead(10000);
            drain();
        }
        QVERIFY2(lastPrinted >= 300, writer.readAllStandardError().constData());
        writer.kill(); // SIGKILL, mid-loop
        QVERIFY(writer.waitForFinished(10000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
        drain(); // lines written before the kill
        qInfo("writer killed after printing %lld committed values", lastPrinted);

        TransferStore store;
        Error e;
        QVERIFY2(store.open(tmp.path(), &e), qPrintable(e.message));
        const auto r = store.load(id);
        QVERIFY(r);
        QVERIFY2(
            r->doneSize >= lastPrinted,
            qPrintable(QStringLiteral("stored %1 < printed %2").arg(r->doneSize).arg(lastPrinted)));
        QCOMPARE(r->segments.size(), 1);
        QCOMPARE(r->segments.first().done, r->doneSize); // one row, one consistent commit
    }
};

int main(int argc, char **argv)
{
    if (argc >= 4 && qstrcmp(argv[1], "--progress-writer") == 0) {
        QCoreApplication app(argc, argv);
        return runProgressWriter(QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toLongLong());
    }
    if (argc >= 3 && qstrcmp(argv[1], "--hold-lock") == 0) {
        QCoreApplication app(argc, argv);
        return runLockHolder(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    TestStoreRobustness tc;
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_storerobustness.moc"

// TransferStore: round trips, hot path, lookups, batches, migrations, speed.
#include "StoreTestUtil.h"
#include "store/StoreSchema.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::storetest;

class TestTransferStore : public QObject
{
    Q_OBJECT

private:
    QString dbPath(const QTemporaryDir &dir) const
    {
        return dir.filePath(TransferStore::databaseFileName());
    }
    // Runs SQL on the file through a separate, plain connection (as an older or other
    // program would).
    void rawExec(const QString &path, const QStringList &statements)
    {
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            for (const QString &sql : statements) {
                QSqlQuery q(db);
                QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    }

private Q_SLOTS:
    void defaultDataDir()
    {
        QTemporaryDir tmp;
        const QString wanted = tmp.filePath(QStringLiteral("a/b/data"));
        qputenv("BTSTREAM_DATA_DIR", wanted.toLocal8Bit());
        QCOMPARE(TransferStore::defaultDataDir(), wanted);
        QVERIFY(QFileInfo(wanted).isDir());
        QCOMPARE(QFile::permissions(wanted) & 0x0777,
                 QFile::ReadUser | QFile::WriteUser | QFile::ExeUser);
        qunsetenv("BTSTREAM_DATA_DIR");
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(TransferStore::defaultDataDir().endsWith(QLatin1String("/btfilestream")));
    }

    void openCreatesSchema()
    {
        QTemporaryDir tmp;
        const QString dataDir = tmp.filePath(QStringLiteral("new/dir"));
        TransferStore store;
        QVERIFY(!store.isOpen());
        Error e;
        QVERIFY2(store.open(dataDir, &e), qPrintable(e.message));
        QVERIFY(store.isOpen());
        QCOMPARE(store.schemaVersion(), 2);
        QCOMPARE(store.databasePath(), QDir(dataDir).filePath(TransferStore::databaseFileName()));
        QVERIFY(QFile::exists(store.databasePath()));
        QCOMPARE(QFile::permissions(dataDir) & 0x0777,
                 QFile::ReadUser | QFile::WriteUser | QFile::ExeUser);
        QVERIFY(store.loadAll().isEmpty());
    }

    void roundTripEveryField()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        TransferRecord r = makeRecord(1);
        Error e;
        QVERIFY2(store.insert(r, &e), qPrintable(e.message));
        QVERIFY(r.id > 0);
        const auto loaded = store.load(r.id);
        QVERIFY(loaded);
        compareRecords(*loaded, r);
        if (QTest::currentTestFailed())
            return;

        // An upload row with empty and null texts comes back too.
        TransferRecord u;
        u.direction = TransferDirection::Upload;
        u.destination = QStringLiteral("/tmp/source.bin");
        QVERIFY(store.insert(u));
        QVERIFY(u.added.isValid()); // filled by insert()
        QCOMPARE(u.updated, u.added);
        const auto lu = store.load(u.id);
        QVERIFY(lu);
        compareRecords(*lu, u);
        QVERIFY(!lu->completed.isValid());
        QVERIFY(lu->segments.isEmpty());
        QVERIFY(lu->options.isEmpty());
        QVERIFY(!store.load(999999));
    }

    void updateEveryField()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        TransferRecord r = makeRecord(1);
        QVERIFY(store.insert(r));
        TransferRecord changed = makeRecord(2);
        changed.id = r.id;
        changed.state = TransferState::Failed;
        changed.direction = TransferDirection::Upload;
        changed.segments = {{0, -1, 77}};
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(store.update(changed));
        auto loaded = store.load(r.id);
        QVERIFY(loaded);
        QVERIFY(loaded->updated.toMSecsSinceEpoch() >= before); // update() stamps `updated`
        changed.updated = loaded->updated;
        compareRecords(*loaded, changed);
        if (QTest::currentTestFailed())
            return;

        changed.id = 12345;
        Error e;
        QVERIFY(!store.update(changed, &e));
        QCOMPARE(e.code, ErrorCode::Store);
    }

    void updateDownloadState()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        TransferRecord r = makeRecord(1);
        QVERIFY(store.insert(r));
        TransferRecord engine = makeRecord(2); // every field differs
        engine.id = r.id;
        engine.state = TransferState::Completed;
        engine.segments = {{0, -1, 77}};
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(store.updateDownloadState(engine));
        const auto loaded = store.load(r.id);
        QVERIFY(loaded);
        QVERIFY(loaded->updated.toMSecsSinceEpoch() >= before);
        // The engine's columns changed; identity, options, the queue's order and the state
        // (the queue's too) did not.
        TransferRecord expected = engine;
        expected.state = r.state;
        expected.errorCode = r.errorCode;
        expected.lastError = r.lastError;
        expected.direction = r.direction;
        expected.url = r.url;
        expected.directory = r.directory;
        expected.requestedName = r.requestedName;
        expected.added = r.added;
        expected.priority = r.priority;
        expected.position = r.position;
        expected.uploadUrl = r.uploadUrl;
        expected.options = r.options;
        expected.updated = loaded->updated;
        compareRecords(*loaded, expected);
        if (QTest::currentTestFailed())
            return;

        engine.id = r.id + 1000;
        Error e;
        QVERIFY(!store.updateDownloadState(engine, &e));
        QCOMPARE(e.code, ErrorCode::Store);
    }

    void updateUploadState()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        TransferRecord r = makeRecord(1);
        QVERIFY(store.insert(r));
        TransferRecord engine = makeRecord(2);
        engine.id = r.id;
        engine.state = TransferState::Active;
        engine.doneSize = 99;
        engine.errorCode = 3;
        engine.priority = 9; // a stale order the queue has changed meanwhile
        QVERIFY(store.updateUploadState(engine));
        const auto loaded = store.load(r.id);
        QVERIFY(loaded);
        // What the upload owns changed; identity, validators, the queue's order and the state
        // did not.
        TransferRecord expected = r;
        expected.destination = engine.destination;
        expected.uploadUrl = engine.uploadUrl;
        expected.totalSize = engine.totalSize;
        expected.doneSize = engine.doneSize;
        expected.options = engine.options;
        expected.completed = engine.completed;
        expected.updated = loaded->updated;
        compareRecords(*loaded, expected);
    }

    // Reserved ids are never handed out by another connection's insert; a row inserted under
    // one keeps it.
    void reservedIds()
    {
        QTemporaryDir tmp;
        TransferStore a, b;
        QVERIFY(a.open(tmp.path()) && b.open(tmp.path()));
        TransferRecord first = makeRecord(1);
        QVERIFY(b.insert(first));
        qint64 reserved = 0;
        QVERIFY(a.reserveIds(10, &reserved));
        QCOMPARE(reserved, first.id + 1);
        TransferRecord other = makeRecord(2);
        QVERIFY(b.insert(other));
        QVERIFY(other.id >= reserved + 10);
        TransferRecord mine = makeRecord(3);
        mine.id = reserved + 3;
        QVERIFY(a.insert(mine));
        QCOMPARE(mine.id, reserved + 3);
        QCOMPARE(b.load(reserved + 3)->url, mine.url);
    }

    void updateProgress()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        TransferRecord r = makeRecord(1);
        QVERIFY(store.insert(r));
        const QList<SegmentState> segs{{0, 100, 100}, {100, 300, 50}, {300, -1, 0}};
        QVERIFY(store.updateProgress(r.id, 150, segs));
        auto loaded = store.load(r.id);
        QVERIFY(loaded);
        QCOMPARE(loaded->doneSize, 150);
        QVERIFY(loaded->segments == segs);
        QVERIFY(loaded->updated > r.updated);
        // Nothing else moves.
        TransferRecord expected = r;
        expected.doneSize = 150;
        expected.segments = segs;
        expected.updated = loaded->updated;
        compareRecords(*loaded, expected);
        if (QTest::currentTestFailed())
            return;

        Error e;
        QVERIFY(!store.updateProgress(r.id + 1000, 1, {}, &e));
        QCOMPARE(e.code, ErrorCode::Store);
        QCOMPARE(store.lastError().code, ErrorCode::Store);
    }

    void setStateAndRemove()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        TransferRecord r = makeRecord(1);
        r.completed = {};
        QVERIFY(store.insert(r));
        QVERIFY(store.setState(r.id, TransferState::Failed,
                               Error{ErrorCode::DiskFull, QStringLiteral("Disk full")}));
        auto l = store.load(r.id);
        QCOMPARE(l->state, TransferState::Failed);
        QCOMPARE(l->errorCode, int(ErrorCode::DiskFull));
        QCOMPARE(l->lastError, QStringLiteral("Disk full"));
        QVERIFY(!l->completed.isValid());
        QVERIFY(store.setState(r.id, TransferState::Completed));
        l = store.load(r.id);
        QCOMPARE(l->state, TransferState::Completed);
        QCOMPARE(l->errorCode, 0);
        QVERIFY(l->lastError.isEmpty());
        QVERIFY(l->completed.isValid());
        QVERIFY(!store.setState(r.id + 1, TransferState::Active));

        QVERIFY(store.remove(r.id));
        QVERIFY(!store.load(r.id));
        QVERIFY(store.remove(r.id)); // already gone is fine
    }

    void findDownload()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        const QUrl url(QStringLiteral("http://127.0.0.1:8080/a b.bin"));
        const QString dir = QStringLiteral("/data/dl");
        TransferRecord done;
        done.url = url;
        done.directory = dir;
        done.state = TransferState::Completed;
        QVERIFY(store.insert(done));
        // Derived name: a null and an empty QString are the same request.
        auto f = store.findDownload(url, dir, QString());
        QVERIFY(f);
        QCOMPARE(f->id, done.id);
        QCOMPARE(f->state, TransferState::Completed); // "already complete" is visible
        QCOMPARE(store.findDownload(url, dir, QStringLiteral(""))->id, done.id);

        TransferRecord again = done;
        again.id = 0;
        again.state = TransferState::Paused;
        QVERIFY(store.insert(again));
        QCOMPARE(store.findDownload(url, dir, {})->id, again.id); // the newest

        TransferRecord named = done;
        named.id = 0;
        named.requestedName = QStringLiteral("out.bin");
        QVERIFY(store.insert(named));
        QCOMPARE(store.findDownload(url, dir, QStringLiteral("out.bin"))->id, named.id);
        QCOMPARE(store.findDownload(url, dir, {})->id, again.id);

        TransferRecord upload = done;
        upload.id = 0;
        upload.direction = TransferDirection::Upload;
        QVERIFY(store.insert(upload));
        QCOMPARE(store.findDownload(url, dir, {})->id, again.id); // uploads are not downloads

        QVERIFY(!store.findDownload(url, QStringLiteral("/elsewhere"), {}));
        QVERIFY(!store.findDownload(QUrl(QStringLiteral("http://127.0.0.1:8080/other")), dir, {}));
        QVERIFY(!store.findDownload(url, dir, QStringLiteral("other.bin")));
    }

    void findByDestination()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        const QString dest = QStringLiteral("/data/dl/file.iso");
        TransferRecord done;
        done.destination = dest;
        done.state = TransferState::Completed;
        QVERIFY(store.insert(done));
        QVERIFY(!store.findByDestination(dest)); // finished rows never block a new download

        TransferRecord failed = done;
        failed.id = 0;
        failed.state = TransferState::Failed;
        QVERIFY(store.insert(failed));
        QCOMPARE(store.findByDestination(dest)->id, failed.id);

        TransferRecord paused = done;
        paused.id = 0;
        paused.state = TransferState::Paused;
        QVERIFY(store.insert(paused));
        QCOMPARE(store.findByDestination(dest)->id, paused.id);

        QVERIFY(store.setState(paused.id, TransferState::Completed));
        QVERIFY(store.setState(failed.id, TransferState::Completed));
        QVERIFY(!store.findByDestination(dest));
        QVERIFY(!store.findByDestination(QString()));
        QVERIFY(!store.findByDestination(QStringLiteral("/data/dl/other.iso")));
    }

    void loadAllOrder()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        QList<qint64> ids;
        for (int pos : {3, 1, 2, 1}) {
            TransferRecord r;
            r.position = pos;
            QVERIFY(store.insert(r));
            ids << r.id;
        }
        const auto all = store.loadAll();
        QCOMPARE(all.size(), 4);
        QCOMPARE(all[0].id, ids[1]);
        QCOMPARE(all[1].id, ids[3]);
        QCOMPARE(all[2].id, ids[2]);
        QCOMPARE(all[3].id, ids[0]);
    }

    void reopenKeepsEverything()
    {
        QTemporaryDir tmp;
        QList<TransferRecord> written;
        {
            TransferStore store;
            QVERIFY(store.open(tmp.path()));
            for (int i = 0; i < 5; ++i) {
                TransferRecord r = makeRecord(i);
                QVERIFY(store.insert(r));
                written << r;
            }
            QVERIFY(store.updateProgress(written[2].id, 999, {{0, -1, 999}}));
            store.close();
            QVERIFY(!store.isOpen());
            QVERIFY(!store.load(written[0].id)); // closed: no reads
        }
        TransferStore again;
        QVERIFY(again.open(tmp.path()));
        const auto all = again.loadAll();
        QCOMPARE(all.size(), 5);
        for (int i = 0; i < 5; ++i) {
            TransferRecord expected = written[i];
            if (i == 2) {
                expected.doneSize = 999;
                expected.segments = {{0, -1, 999}};
                expected.updated = all[i].updated;
            }
            compareRecords(all[i], expected);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void nestedBatch()
    {
        QTemporaryDir tmp;
        TransferStore store, reader;
        QVERIFY(store.open(tmp.path()));
        QVERIFY(reader.open(tmp.path())); // a second connection in the same thread
        QVERIFY(store.beginBatch());
        QVERIFY(store.beginBatch());
        TransferRecord a;
        QVERIFY(store.insert(a));
        QVERIFY(store.updateProgress(a.id, 10, {}));
        QVERIFY(store.commitBatch()); // inner: nothing committed yet
        QVERIFY(store.load(a.id));
        QVERIFY(!reader.load(a.id));
        QVERIFY(store.commitBatch());
        QCOMPARE(reader.load(a.id)->doneSize, 10);
        QVERIFY(!store.commitBatch()); // unbalanced

        QVERIFY(store.beginBatch());
        TransferRecord b;
        QVERIFY(store.insert(b));
        QVERIFY(store.rollbackBatch());
        QVERIFY(!store.load(b.id));
        QVERIFY(!reader.load(b.id));

        QVERIFY(store.beginBatch()); // close() commits an open batch
        TransferRecord c;
        QVERIFY(store.insert(c));
        store.close();
        QVERIFY(reader.load(c.id));
    }

    void migrateFromEmptyFile()
    {
        QTemporaryDir tmp;
        QFile f(dbPath(tmp));
        QVERIFY(f.open(QIODevice::WriteOnly)); // a zero-byte file is an empty v0 database
        f.close();
        TransferStore store;
        Error e;
        QVERIFY2(store.open(tmp.path(), &e), qPrintable(e.message));
        QCOMPARE(store.schemaVersion(), 2);
        TransferRecord r = makeRecord(1);
        QVERIFY(store.insert(r));
    }

    void migrateFromVersionOne()
    {
        // A store written before the `published` column: opened, migrated, its rows intact.
        QTemporaryDir tmp;
        QStringList v1 = store::migrationStatements(1);
        v1 << QStringLiteral("INSERT INTO transfers (id, url, destination, sha256, total_size) "
                             "VALUES (5, 'http://h/f', '/d/f', 'abc', 7)")
           << QStringLiteral("PRAGMA user_version = 1");
        rawExec(dbPath(tmp), v1);
        if (QTest::currentTestFailed())
            return;
        TransferStore store;
        Error e;
        QVERIFY2(store.open(tmp.path(), &e), qPrintable(e.message));
        QCOMPARE(store.schemaVersion(), 2);
        const auto row = store.load(5);
        QVERIFY(row);
        QCOMPARE(row->sha256, QStringLiteral("abc"));
        QCOMPARE(row->totalSize, qint64(7));
        QVERIFY(row->published.isEmpty());
        TransferRecord updated = *row;
        updated.published = QStringLiteral("7 42 1000");
        QVERIFY(store.updateDownloadState(updated));
        QCOMPARE(store.load(5)->published, QStringLiteral("7 42 1000"));
    }

    void migrateFromVersionZero()
    {
        QTemporaryDir tmp;
        rawExec(dbPath(tmp), {QStringLiteral("CREATE TABLE unrelated (a INTEGER)"),
                              QStringLiteral("INSERT INTO unrelated VALUES (7)")});
        if (QTest::currentTestFailed())
            return;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        QCOMPARE(store.schemaVersion(), 2);
        TransferRecord r = makeRecord(1);
        QVERIFY(store.insert(r));
        store.close();
        // Reopen: no second migration, data intact.
        QVERIFY(store.open(tmp.path()));
        QCOMPARE(store.loadAll().size(), 1);
    }

    void newerVersionIsRefused()
    {
        QTemporaryDir tmp;
        rawExec(dbPath(tmp), {QStringLiteral("CREATE TABLE transfers (id INTEGER PRIMARY KEY)"),
                              QStringLiteral("PRAGMA user_version = 99")});
        if (QTest::currentTestFailed())
            return;
        QFile f(dbPath(tmp));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        TransferStore store;
        Error e;
        QVERIFY(!store.open(tmp.path(), &e));
        QVERIFY(!store.isOpen());
        QCOMPARE(e.code, ErrorCode::Store);
        QVERIFY2(e.message.contains(QLatin1String("newer version")), qPrintable(e.message));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before); // not touched
        QVERIFY(!QFile::exists(dbPath(tmp) + QStringLiteral("-wal")));
    }

    void speedLoadAll10000()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        QElapsedTimer t;
        t.start();
        QVERIFY(store.beginBatch());
        for (int i = 0; i < 10000; ++i) {
            TransferRecord r = makeRecord(i);
            r.segments = {{0, 100, 100}, {100, 200, 50}, {200, 300, 0}, {300, 400, 10}};
            QVERIFY(store.insert(r));
        }
        QVERIFY(store.commitBatch());
        const qint64 insertMs = t.elapsed();
        store.close();
        QVERIFY(store.open(tmp.path()));
        t.restart();
        const auto all = store.loadAll();
        const qint64 loadMs = t.elapsed();
        QCOMPARE(all.size(), 10000);
        QCOMPARE(all.last().segments.size(), 4);
        qInfo("insert 10000 rows in one batch: %lld ms; loadAll 10000 rows: %lld ms", insertMs,
              loadMs);
        QVERIFY2(loadMs < 5000, "loadAll of 10,000 rows is far too slow");
    }

    void speedUpdateProgress1000()
    {
        QTemporaryDir tmp;
        TransferStore store;
        QVERIFY(store.open(tmp.path()));
        TransferRecord r = makeRecord(1);
        QVERIFY(store.insert(r));
        QList<SegmentState> segs{{0, 1000, 0}, {1000, 2000, 0}, {2000, 3000, 0}, {3000, -1, 0}};
        QElapsedTimer t;
        t.start();
        for (int i = 1; i <= 1000; ++i) {
            segs[i % 4].done = i;
            QVERIFY(store.updateProgress(r.id, i, segs));
        }
        const qint64 eachMs = t.elapsed();
        t.restart();
        QVERIFY(store.beginBatch());
        for (int i = 1; i <= 1000; ++i)
            QVERIFY(store.updateProgress(r.id, i, segs));
        QVERIFY(store.commitBatch());
        qInfo("1000 updateProgress, one transaction each: %lld ms; in one batch: %lld ms", eachMs,
              qint64(t.elapsed()));
        QCOMPARE(store.load(r.id)->doneSize, 1000);
    }
};

QTEST_GUILESS_MAIN(TestTransferStore)
#include "tst_transferstore.moc"

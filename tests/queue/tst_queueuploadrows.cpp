// Uploads in the queue with fake jobs: per-host limits, credentials handed to the job from
// memory (never stored) or, once known, from the provider, re-adding continues the row (a
// queue that loads nothing, as btstream's, continues the stored one), removing never deletes
// the source.
#include "QueueTestUtil.h"
#include "store/TransferStore.h"
#include "upload/UploadRequestCodec.h"

#include <QFile>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;

class TestQueueUploadRows : public QObject
{
    Q_OBJECT
private:
    static UploadRequest upload(const QString &path, const QString &host)
    {
        UploadRequest r;
        r.sourcePath = path;
        r.url = QUrl(QStringLiteral("http://%1/files/").arg(host));
        r.user = QStringLiteral("alice:secret-pw");
        return r;
    }
    static QString makeFile(QueueEnv &env, const QString &name)
    {
        const QString path = env.dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write("data");
        return path;
    }

private Q_SLOTS:
    void perHostLimitAndCredentials()
    {
        QueueEnv env;
        QVERIFY(env.open(5, 2));
        QList<UploadRequest> requests;
        for (int i = 0; i < 3; ++i)
            requests.append(
                upload(makeFile(env, QStringLiteral("f%1").arg(i)), QStringLiteral("one.test")));
        requests.append(upload(makeFile(env, QStringLiteral("g")), QStringLiteral("two.test")));
        const QList<qint64> ids = env.queue->enqueueUploads(requests);
        QVERIFY(!ids.contains(0));
        QTRY_COMPARE(env.jobs.liveCount(), 3); // two on one.test (its cap), one on two.test
        QVERIFY(!env.jobs.job(ids[2]));
        QCOMPARE(env.state(ids[2]), TransferState::Queued);
        FakeJob *job = env.jobs.job(ids[0]);
        QCOMPARE(job->context().uploadCredentials.user, QStringLiteral("alice:secret-pw"));
        const auto rec = env.queue->record(ids[0]);
        QCOMPARE(rec->direction, TransferDirection::Upload);
        QVERIFY(uploadcodec::fromRecord(*rec).user.isEmpty());
        job->finishOk(rec->destination, 4);
        QTRY_VERIFY(env.jobs.job(ids[2])); // the queued one on one.test starts
    }

    void readdContinuesAndRemoveKeepsSource()
    {
        QueueEnv env;
        QVERIFY(env.open(3, 2));
        const QString path = makeFile(env, QStringLiteral("keep-me.bin"));
        QueueManager::EnqueueOptions paused;
        paused.startPaused = true;
        const qint64 id =
            env.queue->enqueueUploads({upload(path, QStringLiteral("one.test"))}, paused).value(0);
        QVERIFY(id > 0);
        QCOMPARE(env.state(id), TransferState::Paused);
        // The same source to the same URL: the same row, now queued.
        QCOMPARE(env.queue->enqueueUploads({upload(path, QStringLiteral("one.test"))}).value(0),
                 id);
        QCOMPARE(env.queue->count(), 1);
        QTRY_VERIFY(env.jobs.job(id));
        env.jobs.job(id)->finishOk(path, 4);
        QTRY_COMPARE(env.state(id), TransferState::Completed);
        env.queue->remove({id}, true);
        QVERIFY(flushQueue(*env.queue));
        QCOMPARE(env.queue->count(), 0);
        QVERIFY(QFile::exists(path)); // an upload's "file" is the person's source
    }

    // btstream put runs a queue that loads no rows: the same upload again continues its stored
    // row (the newest; a completed one too: the engine confirms it), not one of another method,
    // not a tus row that failed before the server had an upload, not with reuseExisting off.
    void storedRowContinuedWithoutLoadingIt()
    {
        QueueEnv env;
        QVERIFY(env.open(5, 5));
        const QString a = makeFile(env, QStringLiteral("a.bin"));
        const QString c = makeFile(env, QStringLiteral("c.bin"));
        QueueManager::EnqueueOptions fresh;
        fresh.reuseExisting = false;
        const qint64 older =
            env.queue->enqueueUploads({upload(a, QStringLiteral("one.test"))}, fresh).value(0);
        const qint64 newer =
            env.queue->enqueueUploads({upload(a, QStringLiteral("one.test"))}, fresh).value(0);
        const qint64 failed =
            env.queue->enqueueUploads({upload(c, QStringLiteral("one.test"))}).value(0);
        QVERIFY(older > 0 && newer > older && failed > 0);
        QTRY_VERIFY(env.jobs.job(older) && env.jobs.job(newer) && env.jobs.job(failed));
        env.jobs.job(older)->finishOk(a, 4);
        env.jobs.job(newer)->finishOk(a, 4);
        env.jobs.job(failed)->finishError(ErrorCode::Network);
        QTRY_COMPARE(env.state(newer), TransferState::Completed);
        QTRY_COMPARE(env.state(failed), TransferState::Failed);
        QVERIFY(flushQueue(*env.queue));
        env.queue.reset();

        QueueManager queue;
        queue.setJobFactory(env.jobs.factory());
        QueueManager::Options options;
        options.threads = 2;
        options.loadExisting = false;
        QVERIFY(openQueue(queue, env.dataDir(), options));
        QCOMPARE(queue.count(), 0);
        UploadRequest again = upload(a, QStringLiteral("one.test"));
        again.user = QStringLiteral("alice:new-pw");
        QCOMPARE(queue.enqueueUploads({again}).value(0), newer);
        QCOMPARE(queue.count(), 1);
        QTRY_VERIFY(env.jobs.job(newer) && env.jobs.job(newer)->started);
        // This run's secret, from memory; the row holds none.
        QCOMPARE(env.jobs.job(newer)->context().uploadCredentials.user,
                 QStringLiteral("alice:new-pw"));
        QVERIFY(uploadcodec::fromRecord(*queue.record(newer)).user.isEmpty());
        QVERIFY(!queue.record(newer)->options.contains(QStringLiteral("user")));
        // The engine confirms "already uploaded" from the stored state: no Queued or Active
        // is written over it while the job runs (shown Active meanwhile).
        QCOMPARE(queue.snapshot(newer)->state, TransferState::Active);
        QVERIFY(flushQueue(queue));
        {
            TransferStore store;
            QVERIFY(store.open(env.dataDir()));
            QCOMPARE(store.load(newer)->state, TransferState::Completed);
        }
        // Asked again in the same run: the same row.
        QCOMPARE(queue.enqueueUploads({again}).value(0), newer);
        QCOMPARE(queue.count(), 1);

        UploadRequest put = upload(a, QStringLiteral("one.test"));
        put.method = UploadRequest::Method::Put;
        const qint64 putId = queue.enqueueUploads({put}).value(0);
        QVERIFY(putId > 0 && putId != older && putId != newer);
        const qint64 retried =
            queue.enqueueUploads({upload(c, QStringLiteral("one.test"))}).value(0);
        QVERIFY(retried > 0 && retried != failed);
        const qint64 forced =
            queue.enqueueUploads({upload(a, QStringLiteral("one.test"))}, fresh).value(0);
        QVERIFY(forced > 0 && forced != newer && forced != older);
        QCOMPARE(queue.count(), 4);
    }

    // A provider that does not know the secret yet (the keyring read is under way): the
    // upload waits, queued and without a slot, and starts with the secret once it arrives.
    void waitsForCredentialsFromTheProvider()
    {
        QueueEnv env;
        QVERIFY(env.open(1, 0));
        UploadRequest restored =
            upload(makeFile(env, QStringLiteral("r")), QStringLiteral("one.test"));
        restored.user.clear(); // as a row restored from the store: no secret held
        QString secret;        // empty: not known yet
        env.queue->setUploadCredentialProvider(
            [&secret](const TransferRecord &) -> std::optional<UploadCredentials> {
                if (secret.isEmpty())
                    return std::nullopt;
                UploadCredentials c;
                c.user = secret;
                return c;
            });
        const qint64 up = env.queue->enqueueUploads({restored}).value(0);
        const qint64 down = env.add(QStringLiteral("two.test"), 1);
        QTRY_VERIFY(env.jobs.job(down)); // the one slot goes to what can start
        QVERIFY(!env.jobs.job(up));
        QCOMPARE(env.state(up), TransferState::Queued);
        env.jobs.job(down)->finishOk(env.dir.filePath(QStringLiteral("d")), 1);
        QTRY_COMPARE(env.state(down), TransferState::Completed);
        QTest::qWait(50);
        QVERIFY(!env.jobs.job(up)); // still waiting, not started without it

        secret = QStringLiteral("bob:from-keyring");
        env.queue->uploadCredentialsArrived();
        QTRY_VERIFY(env.jobs.job(up));
        QCOMPARE(env.jobs.job(up)->context().uploadCredentials.user, secret);
        QCOMPARE(env.jobs.startOrder.count(up), 1);
    }
};

QTEST_GUILESS_MAIN(TestQueueUploadRows)
#include "tst_queueuploadrows.moc"

// Uploads in the queue with fake jobs: per-host limits, credentials handed to the job from
// memory (never stored) or, once known, from the provider, re-adding continues the row,
// removing never deletes the source.
#include "QueueTestUtil.h"
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
            requests.append(upload(makeFile(env, QStringLiteral("f%1").arg(i)), "one.test"));
        requests.append(upload(makeFile(env, QStringLiteral("g")), "two.test"));
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
        const qint64 id = env.queue->enqueueUploads({upload(path, "one.test")}, paused).value(0);
        QVERIFY(id > 0);
        QCOMPARE(env.state(id), TransferState::Paused);
        // The same source to the same URL: the same row, now queued.
        QCOMPARE(env.queue->enqueueUploads({upload(path, "one.test")}).value(0), id);
        QCOMPARE(env.queue->count(), 1);
        QTRY_VERIFY(env.jobs.job(id));
        env.jobs.job(id)->finishOk(path, 4);
        QTRY_COMPARE(env.state(id), TransferState::Completed);
        env.queue->remove({id}, true);
        env.queue->flushStore();
        QCOMPARE(env.queue->count(), 0);
        QVERIFY(QFile::exists(path)); // an upload's "file" is the person's source
    }

    // A provider that does not know the secret yet (the keyring read is under way): the
    // upload waits, queued and without a slot, and starts with the secret once it arrives.
    void waitsForCredentialsFromTheProvider()
    {
        QueueEnv env;
        QVERIFY(env.open(1, 0));
        UploadRequest restored = upload(makeFile(env, QStringLiteral("r")), "one.test");
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

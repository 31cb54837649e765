// Uploads in the queue with fake jobs: per-host limits, credentials handed to the job from
// memory (never stored), re-adding continues the row, removing never deletes the source.
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
};

QTEST_GUILESS_MAIN(TestQueueUploadRows)
#include "tst_queueuploadrows.moc"

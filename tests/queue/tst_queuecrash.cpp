// Ten concurrent downloads through the queue in a separate process, killed with SIGKILL at
// random moments twenty times; after the last run every file is byte-exact and the store
// holds each transfer exactly once.
#include "FaultServer.h"
#include "store/TransferStore.h"

#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::test;

class TestQueueCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sigkillTwentyTimes();
};

void TestQueueCrash::sigkillTwentyTimes()
{
    const QString runner = QStringLiteral(BT_BINARY_DIR "/tests/queue/queue_runner");
    QVERIFY2(QFile::exists(runner), qPrintable(runner));
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    const QString out = dir.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    FaultServer server;
    QVERIFY(server.listenInThread());
    QStringList args{data, out, QStringLiteral("10")};
    QList<QByteArray> bodies;
    for (int i = 0; i < 10; ++i) {
        const QByteArray path = "/crash-" + QByteArray::number(i) + ".bin";
        FaultServer::Resource res;
        res.body = makeTestData(1500000 + i * 100000, quint32(100 + i));
        res.bytesPerSecond = 400000; // each connection: the runs overlap the kills
        server.setResource(path, res);
        bodies.append(res.body);
        args << QString::fromLatin1(server.url(path));
    }
    QRandomGenerator rng(20261125);
    int completedEarly = 0;
    for (int run = 0; run < 20; ++run) {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(runner, args);
        QVERIFY(p.waitForStarted());
        const int ms = rng.bounded(150, 900);
        if (p.waitForFinished(ms)) {
            ++completedEarly; // everything was done already
            QCOMPARE(p.exitCode(), 0);
            continue;
        }
        p.kill(); // SIGKILL
        QVERIFY(p.waitForFinished(5000));
    }
    QProcess last;
    last.setProcessChannelMode(QProcess::ForwardedChannels);
    last.start(runner, args);
    QVERIFY(last.waitForFinished(90000));
    QCOMPARE(last.exitStatus(), QProcess::NormalExit);
    QCOMPARE(last.exitCode(), 0);
    qInfo("runs that finished before their kill: %d of 20", completedEarly);

    TransferStore store;
    QVERIFY(store.open(data));
    const QList<TransferRecord> rows = store.loadAll();
    QCOMPARE(rows.size(), 10); // nothing duplicated, nothing lost
    QSet<QString> destinations;
    for (const TransferRecord &r : rows) {
        QCOMPARE(r.state, TransferState::Completed);
        destinations.insert(r.destination);
    }
    QCOMPARE(destinations.size(), 10);
    for (int i = 0; i < 10; ++i) {
        const QString path = QDir(out).filePath(QStringLiteral("crash-%1.bin").arg(i));
        QCOMPARE(fileSha256Hex(path), sha256Hex(bodies[i]));
        QVERIFY(!QFile::exists(path + QStringLiteral(".part")));
    }
    QCOMPARE(QDir(out).entryList(QDir::Files).size(), 10); // no stray copies
}

QTEST_GUILESS_MAIN(TestQueueCrash)
#include "tst_queuecrash.moc"

// kill -9 at random points, then the same command again until it succeeds: the final file is
// byte-exact and nothing else is left in the destination folder. The seed is printed; set
// BT_CLI_SEED to replay a run.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace bt::test;

class TestCliCrash : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    QByteArray m_body;
    QRandomGenerator m_random;

    void serve(qint64 bytesPerSecond)
    {
        FaultServer::Resource res;
        res.body = m_body;
        res.bytesPerSecond = bytesPerSecond;
        m_server.setResource("/crash.bin", res);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_body = makeTestData(4 * 1024 * 1024 + 4321, 33);
        bool ok = false;
        quint32 seed = qEnvironmentVariable("BT_CLI_SEED").toUInt(&ok);
        if (!ok)
            seed = QRandomGenerator::global()->generate();
        m_random.seed(seed);
        qInfo("random seed: %u (replay with BT_CLI_SEED=%u)", seed, seed);
    }

    void killAndRerun_data()
    {
        QTest::addColumn<QString>("connections");
        QTest::newRow("single connection") << QStringLiteral("1");
        QTest::newRow("segments") << QStringLiteral("4");
    }

    void killAndRerun()
    {
        QFETCH(QString, connections);
        for (int iteration = 0; iteration < 5; ++iteration) {
            QTemporaryDir tmp;
            QVERIFY(tmp.isValid());
            const QString out = tmp.filePath(QStringLiteral("out"));
            QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("out")));
            const QStringList arguments{QStringLiteral("get"),
                                        QStringLiteral("--data-dir"),
                                        tmp.filePath(QStringLiteral("data")),
                                        QStringLiteral("-d"),
                                        out,
                                        QStringLiteral("--connections"),
                                        connections,
                                        QStringLiteral("--json"),
                                        QString::fromLatin1(m_server.url("/crash.bin"))};

            // Up to two kills at random progress points, each run resuming the last one.
            // About 4 s for the whole file, so that a progress report (4 a second) is a
            // fine enough grid for the kill points.
            serve(1024 * 1024 / connections.toInt());
            const int kills = 1 + int(m_random.bounded(2));
            qint64 killedAt = 0;
            // At least 1 MiB (a second of the throttle) stays after each kill point, so the
            // transfer is always still running when the kill comes, even when this process reads
            // the progress lines late on a loaded machine (half a second was not enough: CI saw
            // the download end before its kill): a kill is never skipped.
            constexpr qint64 kLeft = 1 << 20;
            for (int k = 0; k < kills && m_body.size() - killedAt > 2 * kLeft; ++k) {
                const qint64 threshold =
                    killedAt + qint64(m_random.bounded(double(m_body.size() - killedAt - kLeft)));
                Btstream p(tmp.path());
                ProgressWatch watch;
                watch.follow(&p);
                p.setArguments(arguments);
                p.start();
                QTRY_VERIFY_WITH_TIMEOUT(watch.done >= threshold || watch.ended, 20000);
                QVERIFY2(!watch.ended, "the download finished before its kill point");
                QVERIFY(::kill(pid_t(p.processId()), SIGKILL) == 0);
                const RunResult r = p.wait(5000);
                QVERIFY2(r.status == QProcess::CrashExit, qPrintable(r.describe()));
                // Killed after the publish, before the exit: then it must be complete.
                if (QFileInfo::exists(out + QStringLiteral("/crash.bin")))
                    QCOMPARE(fileSha256Hex(out + QStringLiteral("/crash.bin")), sha256Hex(m_body));
                qInfo("iteration %d: killed at %lld of %lld bytes", iteration, watch.done,
                      qint64(m_body.size()));
                killedAt = watch.done;
            }

            serve(0);
            // The same command once more finishes it: the first time, no second chance.
            Btstream again(tmp.path());
            const RunResult r = again.run(arguments, 30000);
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            QCOMPARE(fileSha256Hex(out + QStringLiteral("/crash.bin")), sha256Hex(m_body));
            QCOMPARE(entries(out), QStringList{QStringLiteral("crash.bin")});
        }
    }
};

QTEST_GUILESS_MAIN(TestCliCrash)
#include "tst_cli_crash.moc"

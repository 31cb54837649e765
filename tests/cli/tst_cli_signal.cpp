// SIGINT / SIGTERM: btstream stops within 2 s with exit 130 and the resume state saved; the
// same command again finishes the file, fetching only the rest.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace bt::test;

class TestCliSignal : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_body;

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QStringList arguments(const QStringList &extra, const QStringList &moreUrls = {}) const
    {
        return QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                           QStringLiteral("-d"), out()} +
               extra + QStringList{QString::fromLatin1(m_server.url("/slow.bin"))} + moreUrls;
    }

    void serve(qint64 bytesPerSecond)
    {
        FaultServer::Resource res;
        res.body = m_body;
        res.bytesPerSecond = bytesPerSecond;
        m_server.setResource("/slow.bin", res);
    }

    // /busy.bin answers 503 with Retry-After: 600 on every request; returns the requests so far.
    int serveBusy()
    {
        FaultServer::Fault busy;
        busy.kind = FaultServer::Fault::Kind::Status;
        busy.status = 503;
        busy.retryAfter = "600";
        m_server.setPersistentFault("/busy.bin", busy);
        return m_server.requestCount("/busy.bin");
    }

    // Start btstream --json and return once it reported bytes on disk.
    void startAndWaitForBytes(Btstream &p, const QStringList &extra,
                              const QStringList &moreUrls = {})
    {
        qint64 done = 0;
        const QMetaObject::Connection watch =
            QObject::connect(&p, &QProcess::readyReadStandardOutput, &p, [&p, &done] {
                RunResult sofar;
                sofar.out = p.takeStdout();
                for (const QJsonObject &line : sofar.jsonLines()) {
                    if (line.value(QStringLiteral("event")).toString() == QLatin1String("progress"))
                        done = qMax(done, line.value(QStringLiteral("done")).toInteger());
                }
            });
        p.setArguments(arguments(QStringList{QStringLiteral("--json")} + extra, moreUrls));
        p.start();
        QTRY_VERIFY_WITH_TIMEOUT(done > 0, 15000);
        QObject::disconnect(watch);
    }

    // The same command again, unthrottled: exit 0, byte-exact, and it asked only for the rest.
    void resumeAndCheck(const QStringList &extra)
    {
        serve(0);
        const int before = m_server.requests().size();
        Btstream again(m_tmp->path());
        const RunResult r = again.run(arguments(extra));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("slow.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/slow.bin")), sha256Hex(m_body));
        qint64 firstOffset = -1;
        const QList<FaultServer::Request> requests = m_server.requests().mid(before);
        for (const FaultServer::Request &request : requests) {
            const QByteArray range = request.headers.value("range");
            if (request.method == "GET" && range.startsWith("bytes=")) {
                const qint64 start = range.mid(6, range.indexOf('-') - 6).toLongLong();
                firstOffset = firstOffset < 0 ? start : qMin(firstOffset, start);
            }
        }
        QVERIFY2(firstOffset > 0, "the second run must continue, not start over");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_body = makeTestData(8 * 1024 * 1024, 21);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
        serve(512 * 1024);
    }

    void stopsAndResumes_data()
    {
        QTest::addColumn<int>("signalNumber");
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("SIGINT single")
            << int(SIGINT) << QStringList{QStringLiteral("--connections"), QStringLiteral("1")};
        QTest::newRow("SIGTERM single")
            << int(SIGTERM) << QStringList{QStringLiteral("--connections"), QStringLiteral("1")};
        QTest::newRow("SIGINT segments")
            << int(SIGINT) << QStringList{QStringLiteral("--connections"), QStringLiteral("4")};
    }

    void stopsAndResumes()
    {
        QFETCH(int, signalNumber);
        QFETCH(QStringList, extra);
        Btstream p(m_tmp->path());
        startAndWaitForBytes(p, extra);
        if (QTest::currentTestFailed())
            return;

        QElapsedTimer timer;
        timer.start();
        QVERIFY(::kill(pid_t(p.processId()), signalNumber) == 0);
        const RunResult r = p.wait(5000, timer);
        QVERIFY2(r.finished && r.status == QProcess::NormalExit, qPrintable(r.describe()));
        QVERIFY2(r.exitCode == 130, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs < 2000, qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/slow.bin"))); // nothing final yet
        QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));              // --json: stdout only
        const QList<QJsonObject> lines = r.jsonLines();
        QVERIFY(!lines.isEmpty());
        if (lines.last().value(QStringLiteral("event")).toString() == QLatin1String("result")) {
            QCOMPARE(lines.last().value(QStringLiteral("ok")).toBool(), false);
            QCOMPARE(lines.last().value(QStringLiteral("error")).toString(),
                     QStringLiteral("cancelled"));
            QCOMPARE(lines.last().value(QStringLiteral("exit")).toInt(), 130);
        }

        resumeAndCheck(extra);
    }

    void interruptedMessage()
    {
        Btstream p(m_tmp->path());
        p.setArguments(arguments({QStringLiteral("--connections"), QStringLiteral("1")}));
        p.start();
        // Bytes on disk: a file in out/ begins with the body's first bytes. Its size says
        // nothing (it is preallocated to the full length when opened): interrupted before the
        // first write, there is nothing to resume and the second run rightly starts over.
        const QByteArray head = m_body.left(4096);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QString &name : entries(out())) {
                    QFile file(out() + QLatin1Char('/') + name);
                    if (file.open(QIODevice::ReadOnly) && file.read(head.size()) == head)
                        return true;
                }
                return false;
            }(),
            15000);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
        const RunResult r = p.wait(5000, timer);
        QVERIFY2(r.exitCode == 130, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs < 2000, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("interrupted; run the same command again to resume"),
                 qPrintable(r.describe()));
        resumeAndCheck({QStringLiteral("--connections"), QStringLiteral("1")});
    }

    // A server's Retry-After: 600 is capped at 5 minutes, the message says whose wait it is,
    // and Ctrl-C ends the wait at once.
    void ctrlCEndsARetryWait()
    {
        const int before = serveBusy();
        Btstream p(m_tmp->path());
        QByteArray err;
        QObject::connect(&p, &QProcess::readyReadStandardError, &p,
                         [&p, &err] { err += p.readAllStandardError(); });
        p.setArguments({QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                        QStringLiteral("-d"), out(), QStringLiteral("--retries"),
                        QStringLiteral("1"), QString::fromLatin1(m_server.url("/busy.bin"))});
        p.start();
        QTRY_VERIFY_WITH_TIMEOUT(err.contains("retrying in"), 15000);
        QVERIFY2(err.contains("the server asked to wait 600 s; waiting at most 300 s"),
                 err.constData());
        QVERIFY2(err.contains("retrying in 300.0 s (attempt 1 of 1)"), err.constData());
        QElapsedTimer timer;
        timer.start();
        QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
        const RunResult r = p.wait(5000, timer);
        QVERIFY2(r.exitCode == 130, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs < 2000, qPrintable(r.describe()));
        QCOMPARE(m_server.requestCount("/busy.bin") - before, 1);
        m_server.clearFaults("/busy.bin");
    }

    void retryMaxWaitCapsTheServersWait()
    {
        const int before = serveBusy();
        Btstream p(m_tmp->path());
        const RunResult r =
            p.run({QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                   QStringLiteral("-d"), out(), QStringLiteral("--retries"), QStringLiteral("1"),
                   QStringLiteral("--retry-max-wait"), QStringLiteral("1"),
                   QString::fromLatin1(m_server.url("/busy.bin"))},
                  20000);
        QVERIFY2(r.finished && r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("waiting at most 1 s"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("retrying in 1.0 s"), qPrintable(r.describe()));
        QCOMPARE(m_server.requestCount("/busy.bin") - before, 2);
        m_server.clearFaults("/busy.bin");
    }

    void noResumeStartsOver()
    {
        const QStringList single{QStringLiteral("--connections"), QStringLiteral("1")};
        Btstream p(m_tmp->path());
        startAndWaitForBytes(p, single);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
        QCOMPARE(p.wait(5000).exitCode, 130);

        serve(0);
        const int before = m_server.requests().size();
        Btstream again(m_tmp->path());
        const RunResult r =
            again.run(arguments(single + QStringList{QStringLiteral("--no-resume")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QList<FaultServer::Request> requests = m_server.requests().mid(before);
        for (const FaultServer::Request &request : requests) {
            const QByteArray range = request.headers.value("range");
            QVERIFY2(range.isEmpty() || range.startsWith("bytes=0-"), range.constData());
        }
        // Starting over drops the old partial: the fresh download keeps the name.
        QVERIFY2(entries(out()) == QStringList{QStringLiteral("slow.bin")},
                 qPrintable(entries(out()).join(QLatin1Char(','))));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/slow.bin")), sha256Hex(m_body));
    }

    void severalUrlsInterrupted()
    {
        FaultServer::Resource other;
        other.body = makeTestData(1000, 22);
        m_server.setResource("/other.bin", other);
        Btstream p(m_tmp->path());
        // One at a time: slow.bin first (from arguments()), then other.bin: never started.
        startAndWaitForBytes(p, {QStringLiteral("-j"), QStringLiteral("1")},
                             {QString::fromLatin1(m_server.url("/other.bin"))});
        if (QTest::currentTestFailed())
            return;
        QVERIFY(::kill(pid_t(p.processId()), SIGTERM) == 0);
        const RunResult r = p.wait(5000);
        QVERIFY2(r.exitCode == 130, qPrintable(r.describe()));
        QCOMPARE(m_server.requestCount("/other.bin"), 0);
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/other.bin")));
    }

    void secondSigintExitsAtOnce()
    {
        Btstream p(m_tmp->path());
        startAndWaitForBytes(p, {});
        if (QTest::currentTestFailed())
            return;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
        QVERIFY(::kill(pid_t(p.processId()), SIGINT) == 0);
        const RunResult r = p.wait(5000, timer);
        QVERIFY2(r.exitCode == 130, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs < 2000, qPrintable(r.describe()));
        // Whatever was saved, the same command completes the file.
        serve(0);
        Btstream again(m_tmp->path());
        const RunResult second = again.run(arguments({}));
        QVERIFY2(second.exitCode == 0, qPrintable(second.describe()));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/slow.bin")), sha256Hex(m_body));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("slow.bin")});
    }
};

QTEST_GUILESS_MAIN(TestCliSignal)
#include "tst_cli_signal.moc"

// btstream get end to end: what lands on disk, under which name, with which exit code.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

class TestCliDownload : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_body;

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString url(const QByteArray &path) const { return QString::fromLatin1(m_server.url(path)); }

    // btstream get --data-dir DATA -d OUT extra... run in the temporary folder.
    RunResult get(const QStringList &extra, int timeoutMs = 30000)
    {
        Btstream p(m_tmp->path());
        return p.run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                 QStringLiteral("-d"), out()} +
                         extra,
                     timeoutMs);
    }

    void serve(const QByteArray &path, const QByteArray &body, const QByteArray &disposition = {})
    {
        FaultServer::Resource res;
        res.body = body;
        res.contentDisposition = disposition;
        m_server.setResource(path, res);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_body = makeTestData(3 * 1024 * 1024 + 123, 7);
        serve("/file.bin", m_body);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
    }

    void byteExactIntoCurrentFolder()
    {
        // No -d: the current folder.
        Btstream p(out());
        const RunResult r =
            p.run({QStringLiteral("get"), QStringLiteral("--data-dir"), data(), url("/file.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("file.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
        QVERIFY2(r.err.contains("Saved file.bin"), qPrintable(r.describe()));
        // Nothing asked for a hash, so none was computed (issue #11: hash only when asked).
        QVERIFY2(!r.err.contains("sha256"), qPrintable(r.describe()));
    }

    void sha256WhenAsked()
    {
        Btstream p(out());
        const RunResult r = p.run({QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                   QStringLiteral("--sha256"), url("/file.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
        QVERIFY2(r.err.contains("sha256 " + sha256Hex(m_body)), qPrintable(r.describe()));
    }

    void outputExact()
    {
        const QString target = m_tmp->filePath(QStringLiteral("elsewhere/renamed.dat"));
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("elsewhere")));
        Btstream p(m_tmp->path());
        const RunResult r = p.run({QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                   QStringLiteral("-o"), QStringLiteral("elsewhere/renamed.dat"),
                                   url("/file.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(target), sha256Hex(m_body));
        QCOMPARE(entries(m_tmp->filePath(QStringLiteral("elsewhere"))),
                 QStringList{QStringLiteral("renamed.dat")});
        QVERIFY(entries(out()).isEmpty());
    }

    void dirOption()
    {
        const RunResult r = get({url("/file.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("file.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
    }

    void nameFromContentDisposition()
    {
        serve("/download", m_body.left(1000), "attachment; filename=\"report 2026.pdf\"");
        const RunResult r = get({url("/download?id=3")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("report 2026.pdf")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/report 2026.pdf")),
                 sha256Hex(m_body.left(1000)));
    }

    void hostileNamesStayInside_data()
    {
        QTest::addColumn<QByteArray>("disposition");
        QTest::newRow("dotdot") << QByteArray("attachment; filename=\"../../evil.bin\"");
        QTest::newRow("absolute") << QByteArray("attachment; filename=\"/tmp/evil-bt.bin\"");
        QTest::newRow("backslash") << QByteArray("attachment; filename=\"..\\\\..\\\\evil.bin\"");
        QTest::newRow("dotdot only") << QByteArray("attachment; filename=\"..\"");
        QTest::newRow("hidden") << QByteArray("attachment; filename=\".bashrc\"");
        QTest::newRow("rfc5987 dotdot")
            << QByteArray("attachment; filename*=UTF-8''..%2F..%2Fevil.bin");
    }

    void hostileNamesStayInside()
    {
        QFETCH(QByteArray, disposition);
        serve("/hostile", m_body.left(4096), disposition);
        const RunResult r = get({url("/hostile")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QStringList files = entries(out());
        QCOMPARE(files.size(), 1);
        const QString name = files.first();
        QVERIFY2(!name.startsWith(QLatin1Char('.')), qPrintable(name));
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + name), sha256Hex(m_body.left(4096)));
        // Nothing next to out/ or in / other than what the test made.
        QCOMPARE(entries(m_tmp->path()),
                 (QStringList{QStringLiteral("data"), QStringLiteral("out")}));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/evil-bt.bin")));
    }

    void existingFileGetsANewName()
    {
        QFile existing(out() + QStringLiteral("/file.bin"));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("mine, not yours\n");
        existing.close();
        const RunResult r = get({url("/file.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()),
                 (QStringList{QStringLiteral("file (1).bin"), QStringLiteral("file.bin")}));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file (1).bin")), sha256Hex(m_body));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")),
                 sha256Hex("mine, not yours\n"));
    }

    void runTwiceIsAlreadyComplete()
    {
        const RunResult first = get({url("/file.bin")});
        QVERIFY2(first.exitCode == 0, qPrintable(first.describe()));
        const QString path = out() + QStringLiteral("/file.bin");
        const QDateTime mtime = QFileInfo(path).fileTime(QFileDevice::FileModificationTime);
        QCOMPARE(QFileInfo(path).size(), m_body.size());

        const RunResult second = get({url("/file.bin")});
        QVERIFY2(second.exitCode == 0, qPrintable(second.describe()));
        QVERIFY2(second.err.contains("already complete"), qPrintable(second.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("file.bin")});
        QCOMPARE(QFileInfo(path).fileTime(QFileDevice::FileModificationTime), mtime);
        QCOMPARE(fileSha256Hex(path), sha256Hex(m_body));
    }

    void notFound()
    {
        const RunResult r = get({url("/missing.bin")});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("btstream: error: "), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("404"), qPrintable(r.describe()));
        QVERIFY(entries(out()).isEmpty());
    }

    void unreachablePort()
    {
        quint16 port = 0;
        {
            QTcpServer closed;
            QVERIFY(closed.listen(QHostAddress::LocalHost));
            port = closed.serverPort();
        } // closed now: connections are refused
        const RunResult r = get({QStringLiteral("--retries"), QStringLiteral("1"),
                                 QStringLiteral("http://127.0.0.1:%1/file.bin").arg(port)},
                                20000);
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs < 8000, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("btstream: error: "), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/file.bin")));
    }

    void serverErrorAfterRetries()
    {
        serve("/busy.bin", makeTestData(1000, 13));
        FaultServer::Fault busy;
        busy.kind = FaultServer::Fault::Kind::Status;
        busy.status = 503;
        m_server.setPersistentFault("/busy.bin", busy);
        const RunResult r =
            get({QStringLiteral("--retries"), QStringLiteral("0"), url("/busy.bin")});
        m_server.clearFaults("/busy.bin");
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("503"), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/busy.bin")));
    }

    void unknownSizeJson()
    {
        FaultServer::Resource res;
        res.body = makeTestData(600 * 1024, 14);
        res.chunked = true; // no Content-Length: the total is unknown until the end
        res.acceptRanges = false;
        res.bytesPerSecond = 1024 * 1024;
        m_server.setResource("/chunked.bin", res);
        const RunResult r = get({QStringLiteral("--json"), url("/chunked.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QList<QJsonObject> lines = r.jsonLines();
        QVERIFY(!lines.isEmpty());
        for (const QJsonObject &line : lines) {
            if (line.value(QStringLiteral("event")).toString() == QLatin1String("progress") &&
                line.value(QStringLiteral("done")).toInteger() < res.body.size())
                QCOMPARE(line.value(QStringLiteral("total")).toInteger(), -1);
        }
        QCOMPARE(lines.last().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(lines.last().value(QStringLiteral("size")).toInteger(), res.body.size());
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/chunked.bin")), sha256Hex(res.body));
    }

    void checksumMismatch()
    {
        const QByteArray wrong = sha256Hex(m_body + "x");
        const RunResult r =
            get({QStringLiteral("--checksum"),
                 QStringLiteral("sha256=") + QString::fromLatin1(wrong), url("/file.bin")});
        QVERIFY2(r.exitCode == 5, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("btstream: error: "), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/file.bin")));
    }

    void checksumMatch()
    {
        const RunResult r = get({QStringLiteral("--checksum"),
                                 QStringLiteral("sha256=") + QString::fromLatin1(sha256Hex(m_body)),
                                 url("/file.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
    }

    void jsonLines()
    {
        FaultServer::Resource res;
        res.body = makeTestData(1024 * 1024, 3);
        res.bytesPerSecond = 1024 * 1024; // about a second: some progress events
        m_server.setResource("/slow.bin", res);
        const RunResult r =
            get({QStringLiteral("--json"), QStringLiteral("--sha256"),
                 QStringLiteral("--connections"), QStringLiteral("1"), url("/slow.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QVERIFY(lines.size() >= 2);
        int progressEvents = 0;
        for (const QByteArray &line : lines) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
            QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), line.constData());
            const QJsonObject o = doc.object();
            if (o.value(QStringLiteral("event")).toString() == QLatin1String("progress")) {
                ++progressEvents;
                QVERIFY(o.contains(QStringLiteral("done")) && o.contains(QStringLiteral("total")) &&
                        o.contains(QStringLiteral("speed")) && o.contains(QStringLiteral("eta")) &&
                        o.contains(QStringLiteral("id")) && o.contains(QStringLiteral("file")));
                QVERIFY(o.value(QStringLiteral("done")).toInteger() <= res.body.size());
            }
        }
        QVERIFY(progressEvents >= 1);
        const QJsonObject result = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(result.value(QStringLiteral("event")).toString(), QStringLiteral("result"));
        QCOMPARE(result.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(result.value(QStringLiteral("exit")).toInt(), 0);
        QCOMPARE(result.value(QStringLiteral("size")).toInteger(), res.body.size());
        QCOMPARE(result.value(QStringLiteral("sha256")).toString().toLatin1(), sha256Hex(res.body));
        QCOMPARE(QFileInfo(result.value(QStringLiteral("file")).toString()).canonicalFilePath(),
                 QFileInfo(out() + QStringLiteral("/slow.bin")).canonicalFilePath());
    }

    void jsonFailure()
    {
        const RunResult r = get({QStringLiteral("--json"), url("/missing.bin")});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        const QList<QJsonObject> lines = r.jsonLines();
        QVERIFY(!lines.isEmpty());
        const QJsonObject result = lines.last();
        QCOMPARE(result.value(QStringLiteral("event")).toString(), QStringLiteral("result"));
        QCOMPARE(result.value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(result.value(QStringLiteral("error")).toString(), QStringLiteral("http"));
        QCOMPARE(result.value(QStringLiteral("exit")).toInt(), 4);
        QVERIFY(!result.value(QStringLiteral("message")).toString().isEmpty());
    }

    void severalUrlsOneAfterAnother()
    {
        serve("/a.bin", makeTestData(5000, 11));
        serve("/b.bin", makeTestData(7000, 12));
        const RunResult r = get({url("/a.bin"), url("/missing.bin"), url("/b.bin")});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe())); // the worst code
        QCOMPARE(entries(out()), (QStringList{QStringLiteral("a.bin"), QStringLiteral("b.bin")}));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/a.bin")),
                 sha256Hex(makeTestData(5000, 11)));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/b.bin")),
                 sha256Hex(makeTestData(7000, 12)));
        QVERIFY2(r.err.contains("2 of 3"), qPrintable(r.describe()));

        const RunResult json = get({QStringLiteral("--json"), url("/a.bin"), url("/b.bin")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
        const QJsonObject summary = json.jsonLines().last();
        QCOMPARE(summary.value(QStringLiteral("event")).toString(), QStringLiteral("summary"));
        QCOMPARE(summary.value(QStringLiteral("succeeded")).toInt(), 2);
        QCOMPARE(summary.value(QStringLiteral("failed")).toInt(), 0);
    }

    void limitRate()
    {
        const QByteArray body = makeTestData(768 * 1024, 9);
        serve("/limited.bin", body);
        const RunResult r =
            get({QStringLiteral("--limit-rate"), QStringLiteral("256K"), url("/limited.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs >= 2000, qPrintable(r.describe())); // 3 s at 256 KiB/s
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/limited.bin")), sha256Hex(body));
    }

    void stallTimeout()
    {
        serve("/stall.bin", makeTestData(100000, 10));
        FaultServer::Fault stall;
        stall.kind = FaultServer::Fault::Kind::Stall;
        stall.bytes = 0; // no byte at all: every attempt times out without progress
        m_server.setPersistentFault("/stall.bin", stall);
        const RunResult r =
            get({QStringLiteral("--stall-timeout"), QStringLiteral("1"),
                 QStringLiteral("--retries"), QStringLiteral("1"), url("/stall.bin")},
                20000);
        m_server.clearFaults("/stall.bin");
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.elapsedMs < 10000, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("run the same command again to resume"), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/stall.bin")));
    }

    void quietPrintsNothing()
    {
        const RunResult r = get({QStringLiteral("-q"), url("/file.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.isEmpty());
        const RunResult failed = get({QStringLiteral("-q"), url("/missing.bin")});
        QCOMPARE(failed.exitCode, 4);
        QVERIFY(failed.err.contains("btstream: error: ")); // errors still show
    }
};

QTEST_GUILESS_MAIN(TestCliDownload)
#include "tst_cli_download.moc"

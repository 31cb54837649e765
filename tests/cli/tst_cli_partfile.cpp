// The .part file of btstream get under hostile folders and concurrent runs: never written
// through a planted link, never shared by two processes, never too long a name.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

class TestCliPartFile : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_body;
    const QByteArray m_secret = "the person's own file, not to be overwritten\n";

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString outside() const { return m_tmp->filePath(QStringLiteral("outside.txt")); }
    QString url(const QByteArray &path) const { return QString::fromLatin1(m_server.url(path)); }
    // `body` at `path`, by default 512 KiB/s a connection: slow enough to act while it runs.
    void serve(const QByteArray &path, const QByteArray &body, qint64 bytesPerSecond = 512 * 1024)
    {
        FaultServer::Resource res;
        res.body = body;
        res.bytesPerSecond = bytesPerSecond;
        m_server.setResource(path, res);
    }

    RunResult get(const QStringList &extra, int timeoutMs = 30000)
    {
        Btstream p(m_tmp->path());
        return p.run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                 QStringLiteral("-d"), out()} +
                         extra,
                     timeoutMs);
    }

    QByteArray outsideBytes() const
    {
        QFile f(outside());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_body = makeTestData(200 * 1024 + 17, 41);
        FaultServer::Resource res;
        res.body = m_body;
        m_server.setResource("/file.bin", res);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
        QFile f(outside());
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(m_secret), m_secret.size());
    }

    void cleanup() { m_tmp.reset(); }

    void symlinkPartRefused()
    {
        QVERIFY(QFile::link(outside(), out() + QStringLiteral("/file.bin.part")));
        const RunResult r =
            get({QStringLiteral("-o"), QStringLiteral("file.bin"), url("/file.bin")});
        QVERIFY2(r.finished && r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("Refusing to write") && r.err.contains("file.bin.part") &&
                     r.err.contains("remove it to download again"),
                 qPrintable(r.describe()));
        QCOMPARE(outsideBytes(), m_secret);
        QVERIFY(QFileInfo(out() + QStringLiteral("/file.bin.part")).isSymLink());
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/file.bin")));
    }

    void danglingSymlinkPartOfServerName()
    {
        // The name comes from the URL; its .part points at a file that does not exist yet.
        const QString target = m_tmp->filePath(QStringLiteral("planted.bin"));
        QVERIFY(QFile::link(target, out() + QStringLiteral("/file.bin.part")));
        const RunResult r = get({url("/file.bin")});
        QVERIFY2(r.finished && r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("Refusing to write"), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(QFileInfo(out() + QStringLiteral("/file.bin.part")).isSymLink());
    }

    void secondProcessRefused_data()
    {
        QTest::addColumn<QStringList>("secondArgs");
        QTest::newRow("resume") << QStringList{};
        // --no-resume would delete the .part first: not while another process writes it.
        QTest::newRow("no-resume") << QStringList{QStringLiteral("--no-resume")};
    }
    void secondProcessRefused()
    {
        QFETCH(QStringList, secondArgs);
        // Process 1 downloads slowly; while it is mid-transfer the file changes on the server
        // and process 2 asks for the same download (same folder, same store).
        const QByteArray v1 = makeTestData(1024 * 1024 + 5, 42);
        serve("/shared.bin", v1);
        const QStringList args{QStringLiteral("get"),
                               QStringLiteral("--data-dir"),
                               data(),
                               QStringLiteral("-d"),
                               out(),
                               QStringLiteral("--sha256"),
                               QStringLiteral("--connections"),
                               QStringLiteral("1"),
                               url("/shared.bin")};

        Btstream first(m_tmp->path());
        qint64 done = 0;
        QObject::connect(&first, &QProcess::readyReadStandardOutput, &first, [&] {
            RunResult sofar;
            sofar.out = first.takeStdout();
            for (const QJsonObject &line : sofar.jsonLines()) {
                if (line.value(QStringLiteral("event")).toString() == QLatin1String("progress"))
                    done = qMax(done, line.value(QStringLiteral("done")).toInteger());
            }
        });
        first.setArguments(args + QStringList{QStringLiteral("--json")});
        first.start();
        QTRY_VERIFY_WITH_TIMEOUT(done > 0 || first.state() == QProcess::NotRunning, 20000);
        QVERIFY2(done < v1.size(), "process 1 finished before process 2 could start");
        m_server.changeContent("/shared.bin", makeTestData(v1.size(), 43), "\"v2\"");

        Btstream second(m_tmp->path());
        const RunResult r2 = second.run(QStringList{args.first()} + secondArgs + args.mid(1));
        QVERIFY2(r2.finished && r2.exitCode == 8, qPrintable(r2.describe()));
        QVERIFY2(r2.err.contains("shared.bin.part is being written by another process"),
                 qPrintable(r2.describe()));

        const RunResult r1 = first.wait(30000);
        QVERIFY2(r1.finished && r1.exitCode == 0, qPrintable(r1.describe()));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/shared.bin")), sha256Hex(v1));
        QString reported;
        for (const QJsonObject &line : r1.jsonLines()) {
            if (line.value(QStringLiteral("event")).toString() == QLatin1String("result"))
                reported = line.value(QStringLiteral("sha256")).toString();
        }
        QCOMPARE(reported.toLatin1(), sha256Hex(v1));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("shared.bin")});
    }

    void longNameSaved()
    {
        // 252 bytes is a legal name; "NAME.part" (257) is not: only the .part is shortened.
        const QString name = QString(124, QChar(0x00e9)) + QStringLiteral(".bin"); // 252 bytes
        QCOMPARE(QFile::encodeName(name).size(), 252);
        const RunResult r = get({QStringLiteral("-o"), name, url("/file.bin")});
        QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{name});
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + name), sha256Hex(m_body));
    }

    void longNameResumed()
    {
        const QString name = QString(248, QLatin1Char('L')) + QStringLiteral(".bin");
        const QByteArray body = makeTestData(1024 * 1024 + 3, 44);
        serve("/long.bin", body);
        const QStringList args{QStringLiteral("get"),
                               QStringLiteral("--data-dir"),
                               data(),
                               QStringLiteral("-d"),
                               out(),
                               QStringLiteral("--connections"),
                               QStringLiteral("1"),
                               QStringLiteral("-o"),
                               name,
                               QStringLiteral("--json"),
                               url("/long.bin")};

        Btstream first(m_tmp->path());
        qint64 done = 0;
        QObject::connect(&first, &QProcess::readyReadStandardOutput, &first, [&] {
            RunResult sofar;
            sofar.out = first.takeStdout();
            for (const QJsonObject &line : sofar.jsonLines()) {
                if (line.value(QStringLiteral("event")).toString() == QLatin1String("progress"))
                    done = qMax(done, line.value(QStringLiteral("done")).toInteger());
            }
        });
        first.setArguments(args);
        first.start();
        QTRY_VERIFY_WITH_TIMEOUT(done > 0 || first.state() == QProcess::NotRunning, 20000);
        QVERIFY2(done < body.size(), "finished before the kill");
        first.kill(); // SIGKILL: only the .part and the store's offsets remain
        first.wait(5000);
        const QStringList left = entries(out());
        QCOMPARE(left.size(), 1);
        QVERIFY(left.first().endsWith(QStringLiteral(".part")));
        QVERIFY(QFile::encodeName(left.first()).size() <= 255);

        serve("/long.bin", body, 0);
        const int before = m_server.requests().size();
        Btstream again(m_tmp->path());
        const RunResult r = again.run(args);
        QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{name});
        QCOMPARE(fileSha256Hex(out() + QLatin1Char('/') + name), sha256Hex(body));
        bool ranged = false;
        const QList<FaultServer::Request> requests = m_server.requests();
        for (qsizetype i = before; i < requests.size(); ++i)
            ranged = ranged || requests.at(i).headers.value("range").startsWith("bytes=");
        QVERIFY2(ranged, "the second run did not resume");
    }
};

QTEST_GUILESS_MAIN(TestCliPartFile)
#include "tst_cli_partfile.moc"

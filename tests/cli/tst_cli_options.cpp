// btstream's command line: help, version, and every malformed URL or bad option value ends
// with the usage exit code (2) and a clear message, before any network activity.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QTemporaryDir>
#include <QTest>

using namespace bt::test;

class TestCliOptions : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    QTemporaryDir m_tmp;
    QString m_goodUrl;

    QStringList base() const
    {
        return {QStringLiteral("get"), QStringLiteral("--data-dir"),
                m_tmp.filePath(QStringLiteral("data")), QStringLiteral("-d"),
                m_tmp.filePath(QStringLiteral("out"))};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY(QDir(m_tmp.path()).mkpath(QStringLiteral("out")));
        QVERIFY(m_server.listen());
        FaultServer::Resource res;
        res.body = makeTestData(1000);
        m_server.setResource("/file.bin", res);
        m_goodUrl = QString::fromLatin1(m_server.url("/file.bin"));
    }

    void help()
    {
        Btstream p(m_tmp.path());
        const RunResult r = p.run({QStringLiteral("--help")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.contains("get"));
        QVERIFY(r.out.contains("Exit codes"));
        QVERIFY(r.out.contains("130"));
    }

    void getHelp()
    {
        Btstream p(m_tmp.path());
        const RunResult r = p.run({QStringLiteral("get"), QStringLiteral("--help")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.contains("Usage: btstream get"));
        for (const char *option :
             {"--output", "--dir", "--jobs", "--connections", "--retries", "--stall-timeout",
              "--limit-rate", "--checksum", "--header", "--user", "--cookies", "--insecure",
              "--cacert", "--no-resume", "--data-dir", "--quiet", "--json"})
            QVERIFY2(r.out.contains(option), option);
        QVERIFY(r.out.contains("Exit codes"));
        QVERIFY(r.out.contains("disk"));
    }

    void version()
    {
        Btstream p(m_tmp.path());
        const RunResult r = p.run({QStringLiteral("--version")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.out.startsWith("btstream " BT_VERSION));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("withBase"); // prepend "get --data-dir .. -d .." and a good URL
        const QString url = QStringLiteral("URL");
        auto args = [](std::initializer_list<const char *> list) {
            QStringList out;
            for (const char *a : list)
                out << QString::fromUtf8(a);
            return out;
        };
        QTest::newRow("no command") << QStringList() << false;
        QTest::newRow("unknown command") << args({"fetch", "http://127.0.0.1/"}) << false;
        QTest::newRow("unknown top option") << args({"--frobnicate"}) << false;
        QTest::newRow("no url") << QStringList{QStringLiteral("get")} << false;
        // Malformed URLs, after a good one: nothing may be fetched.
        QTest::newRow("no scheme") << args({"127.0.0.1/file.bin"}) << true;
        QTest::newRow("host only") << args({"example.com"}) << true;
        QTest::newRow("gopher") << args({"gopher://127.0.0.1/file.bin"}) << true;
        QTest::newRow("file scheme") << args({"file:///etc/passwd"}) << true;
        QTest::newRow("empty host") << args({"http:///file.bin"}) << true;
        QTest::newRow("scheme only") << args({"http://"}) << true;
        QTest::newRow("space in host") << args({"http://exa mple.com/"}) << true;
        QTest::newRow("bad port") << args({"http://127.0.0.1:99999/"}) << true;
        QTest::newRow("garbage") << args({"::::"}) << true;
        // Bad option values.
        QTest::newRow("connections word") << args({"--connections", "many"}) << true;
        QTest::newRow("connections negative") << args({"--connections", "-1"}) << true;
        QTest::newRow("connections too many") << args({"--connections", "17"}) << true;
        QTest::newRow("jobs zero") << args({"-j", "0"}) << true;
        QTest::newRow("jobs word") << args({"--jobs", "all"}) << true;
        QTest::newRow("jobs too many") << args({"-j", "65"}) << true;
        QTest::newRow("retries word") << args({"--retries", "x"}) << true;
        QTest::newRow("retries negative") << args({"--retries", "-3"}) << true;
        QTest::newRow("stall zero") << args({"--stall-timeout", "0"}) << true;
        QTest::newRow("rate unit") << args({"--limit-rate", "2X"}) << true;
        QTest::newRow("rate empty") << args({"--limit-rate", ""}) << true;
        QTest::newRow("rate negative") << args({"--limit-rate", "-5K"}) << true;
        QTest::newRow("rate zero") << args({"--limit-rate", "0"}) << true;
        QTest::newRow("checksum no hex") << args({"--checksum", "sha256=zz"}) << true;
        QTest::newRow("checksum short") << args({"--checksum", "sha256=abcd"}) << true;
        QTest::newRow("checksum algorithm") << args({"--checksum", "crc32=abcd1234"}) << true;
        QTest::newRow("checksum no =") << args({"--checksum", "sha256"}) << true;
        QTest::newRow("header no colon") << args({"--header", "NoColon"}) << true;
        QTest::newRow("header bad name") << args({"--header", "Bad Name: x"}) << true;
        QTest::newRow("header empty name") << args({"--header", ": x"}) << true;
        QTest::newRow("user no colon") << args({"--user", "alice"}) << true;
        QTest::newRow("cookies missing") << args({"--cookies", "/nonexistent/cookies.txt"}) << true;
        QTest::newRow("unknown option") << args({"--frobnicate"}) << true;
        QTest::newRow("missing value") << args({"--connections"}) << true;
        QTest::newRow("output two urls")
            << args({"-o", "x.bin", "http://127.0.0.1:1/other.bin"}) << true;
        QTest::newRow("checksum two urls")
            << args({"--checksum",
                     "sha256=0000000000000000000000000000000000000000000000000000000000000000",
                     "http://127.0.0.1:1/other.bin"})
            << true;
        QTest::newRow("output is a folder") << args({"-o", "/tmp"}) << true;
        QTest::newRow("quiet and json") << args({"-q", "--json"}) << true;
        Q_UNUSED(url);
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, withBase);
        const int before = m_server.requests().size();
        QStringList all = arguments;
        if (withBase)
            all = base() + QStringList{m_goodUrl} + arguments;
        Btstream p(m_tmp.path());
        const RunResult r = p.run(all);
        QVERIFY2(r.finished, qPrintable(r.describe()));
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
        QVERIFY2(r.err.startsWith("btstream: error: "), qPrintable(r.describe()));
        QVERIFY2(r.err.count('\n') <= 3, qPrintable(r.describe())); // a message, not the help
        QVERIFY(r.out.isEmpty());
        QCOMPARE(m_server.requests().size(), before); // no network activity
        QVERIFY(entries(m_tmp.filePath(QStringLiteral("out"))).isEmpty());
    }

    void goodValuesAccepted()
    {
        // Every option with a valid value: the download runs and succeeds.
        const QByteArray body = m_server.resource("/file.bin").body;
        QFile cookies(m_tmp.filePath(QStringLiteral("cookies.txt")));
        QVERIFY(cookies.open(QIODevice::WriteOnly));
        cookies.write("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\n");
        cookies.close();
        Btstream p(m_tmp.path());
        const RunResult r = p.run(
            base() + QStringList{QStringLiteral("-j"),
                                 QStringLiteral("5"),
                                 QStringLiteral("--connections"),
                                 QStringLiteral("2"),
                                 QStringLiteral("--retries"),
                                 QStringLiteral("3"),
                                 QStringLiteral("--stall-timeout"),
                                 QStringLiteral("10"),
                                 QStringLiteral("--limit-rate"),
                                 QStringLiteral("2M"),
                                 QStringLiteral("--checksum"),
                                 QStringLiteral("sha256=") + QString::fromLatin1(sha256Hex(body)),
                                 QStringLiteral("--header"),
                                 QStringLiteral("X-Test: yes"),
                                 QStringLiteral("--user"),
                                 QStringLiteral("alice:secret"),
                                 QStringLiteral("--cookies"),
                                 cookies.fileName(),
                                 QStringLiteral("-q"),
                                 m_goodUrl});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty() && r.out.isEmpty(), qPrintable(r.describe())); // -q
        QCOMPARE(fileSha256Hex(m_tmp.filePath(QStringLiteral("out/file.bin"))), sha256Hex(body));
        const FaultServer::Request last = m_server.requests().constLast();
        QCOMPARE(last.headers.value("x-test"), QByteArray("yes"));
        QCOMPARE(last.headers.value("authorization"),
                 QByteArray("Basic " + QByteArray("alice:secret").toBase64()));
    }
};

QTEST_GUILESS_MAIN(TestCliOptions)
#include "tst_cli_options.moc"

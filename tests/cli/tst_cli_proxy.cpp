// btstream get through proxies from the environment, read as curl reads them (http_proxy,
// https_proxy, all_proxy, no_proxy and their upper-case forms): TestProxy in front of nginx
// for HTTP proxies, microsocks for SOCKS5. Loopback addresses and "localhost" always go
// direct, so the URLs name hosts under .invalid, which never resolve; TestProxy sends them to
// 127.0.0.1 whatever the name. microsocks resolves names itself (socks5h), so its URLs use
// this machine's own name.
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "TestProxy.h"
#include "TlsServers.h"

#include <QFile>
#include <QHostAddress>
#include <QHostInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

class TestCliProxy : public QObject
{
    Q_OBJECT
private:
    TlsServers m_servers;
    std::unique_ptr<TestProxy> m_proxy;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_body;

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString proxyUrl() const { return QString::fromLatin1(m_proxy->url()); }
    QString httpUrl(const QString &host = QStringLiteral("origin.invalid")) const
    {
        return TlsServers::url(m_servers.plain, QStringLiteral("/file.bin"), false, host);
    }
    QString httpsUrl() const
    {
        return TlsServers::url(m_servers.good, QStringLiteral("/file.bin"), true,
                               QStringLiteral("origin.invalid"));
    }

    // btstream get with these environment variables set (BtstreamProcess clears the proxy
    // variables of the test's own environment).
    RunResult get(const QList<QPair<QString, QString>> &env, const QStringList &extra)
    {
        Btstream p(m_tmp->path());
        QProcessEnvironment environment = p.processEnvironment();
        for (const auto &[name, value] : env)
            environment.insert(name, value);
        p.setProcessEnvironment(environment);
        return p.run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                 QStringLiteral("-d"), out()} +
                     extra);
    }

    void verifySaved(const RunResult &r)
    {
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("file.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
    }

    // A name other than "localhost" that resolves to a loopback address (Qt bypasses proxies
    // for "localhost" and loopback literals only), or empty.
    static QString loopbackHostName()
    {
        const QString name = QHostInfo::localHostName();
        if (name.isEmpty() || name == QLatin1String("localhost"))
            return {};
        const QList<QHostAddress> addresses = QHostInfo::fromName(name).addresses();
        for (const QHostAddress &address : addresses) {
            if (address == QHostAddress(QHostAddress::LocalHost))
                return name;
        }
        return {};
    }

    // microsocks on a free port, with a user; its stderr logs "connected to HOST:PORT" for
    // every connection it makes.
    struct Socks
    {
        QProcess process;
        quint16 port = 0;
        ~Socks()
        {
            process.kill();
            process.waitForFinished();
        }
        QByteArray log()
        {
            process.waitForReadyRead(200);
            return process.readAllStandardError();
        }
    };

    static bool startSocks(Socks *socks, QString *whyNot)
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("microsocks"));
        if (program.isEmpty()) {
            *whyNot = QStringLiteral("microsocks is not installed (scripts/setup.sh --test)");
            return false;
        }
        socks->port = NginxTestServer::freePort();
        socks->process.start(program, {QStringLiteral("-i"), QStringLiteral("127.0.0.1"),
                                       QStringLiteral("-p"), QString::number(socks->port),
                                       QStringLiteral("-u"), QStringLiteral("alice"),
                                       QStringLiteral("-P"), QStringLiteral("s3cret")});
        if (!socks->process.waitForStarted()) {
            *whyNot = socks->process.errorString();
            return false;
        }
        // Listening once a connection is accepted.
        for (int i = 0; i < 100; ++i) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, socks->port);
            if (probe.waitForConnected(100))
                return true;
            if (socks->process.state() != QProcess::Running)
                break;
            QTest::qWait(20);
        }
        *whyNot = QStringLiteral("microsocks did not listen");
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString whyNot;
        if (!m_servers.start(&whyNot))
            QSKIP(qPrintable(whyNot));
        m_body = makeTestData(2 * 1024 * 1024 + 99, 21);
        QVERIFY(m_servers.writeFile(QStringLiteral("file.bin"), m_body));
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
        m_proxy = std::make_unique<TestProxy>();
        QVERIFY(m_proxy->listen());
    }

    void httpProxy_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::newRow("http_proxy") << QStringLiteral("http_proxy");
        QTest::newRow("HTTP_PROXY") << QStringLiteral("HTTP_PROXY");
    }

    void httpProxy()
    {
        QFETCH(QString, variable);
        const RunResult r = get({{variable, proxyUrl()}},
                                {QStringLiteral("--connections"), QStringLiteral("2"), httpUrl()});
        verifySaved(r);
        // Every request went through the proxy, in absolute form.
        const QList<QByteArray> lines = m_proxy->requestLines();
        QVERIFY2(!lines.isEmpty(), "the proxy saw no request");
        const QByteArray expected =
            "GET http://origin.invalid:" + QByteArray::number(m_servers.plain) + "/file.bin ";
        for (const QByteArray &line : lines)
            QVERIFY2(line.startsWith(expected), line.constData());
    }

    void noProxyGoesDirect_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("list");
        const QString hosts = QStringLiteral("example.org,origin.invalid");
        QTest::newRow("no_proxy") << QStringLiteral("no_proxy") << hosts;
        QTest::newRow("NO_PROXY") << QStringLiteral("NO_PROXY") << hosts;
        // As curl and wget read it (libproxy alone knows neither).
        QTest::newRow("*") << QStringLiteral("no_proxy") << QStringLiteral("*");
        QTest::newRow("parent domain")
            << QStringLiteral("no_proxy") << QStringLiteral("example.org invalid");
    }

    void noProxyGoesDirect()
    {
        QFETCH(QString, variable);
        QFETCH(QString, list);
        // origin.invalid does not resolve: asked directly, the download fails with a name
        // error, and the proxy sees nothing.
        const RunResult r = get({{QStringLiteral("http_proxy"), proxyUrl()}, {variable, list}},
                                {QStringLiteral("--retries"), QStringLiteral("0"), httpUrl()});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("not found"), qPrintable(r.describe()));
        QVERIFY2(m_proxy->requestLines().isEmpty(),
                 m_proxy->requestLines().join(QByteArrayLiteral(", ")).constData());
        QVERIFY(entries(out()).isEmpty());
    }

    void noProxyDownloadsDirect()
    {
        const QString host = loopbackHostName();
        if (host.isEmpty())
            QSKIP("this machine's host name does not resolve to 127.0.0.1");
        const RunResult r =
            get({{QStringLiteral("http_proxy"), proxyUrl()}, {QStringLiteral("no_proxy"), host}},
                {httpUrl(host)});
        verifySaved(r);
        QVERIFY(m_proxy->requestLines().isEmpty());
    }

    void httpsThroughConnect_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::newRow("https_proxy") << QStringLiteral("https_proxy");
        QTest::newRow("HTTPS_PROXY") << QStringLiteral("HTTPS_PROXY");
    }

    void httpsThroughConnect()
    {
        QFETCH(QString, variable);
        const RunResult r = get({{variable, proxyUrl()}},
                                {QStringLiteral("--cacert"), m_servers.caFile(),
                                 QStringLiteral("--connections"), QStringLiteral("2"), httpsUrl()});
        verifySaved(r);
        const QList<QByteArray> lines = m_proxy->requestLines();
        QVERIFY2(!lines.isEmpty(), "the proxy saw no request");
        const QByteArray expected =
            "CONNECT origin.invalid:" + QByteArray::number(m_servers.good) + " HTTP/1.1";
        for (const QByteArray &line : lines)
            QVERIFY2(line == expected, line.constData());
    }

    void httpsThroughConnectStillVerifies()
    {
        // The tunnel changes nothing about the certificate check.
        const RunResult r = get({{QStringLiteral("https_proxy"), proxyUrl()}}, {httpsUrl()});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("TLS error"), qPrintable(r.describe()));
        QVERIFY(!m_proxy->requestLines().isEmpty());
        QVERIFY(entries(out()).isEmpty());
    }

    void proxyAuthentication_data()
    {
        QTest::addColumn<bool>("https");
        QTest::newRow("http") << false;
        QTest::newRow("https (CONNECT)") << true;
    }

    void proxyAuthentication()
    {
        QFETCH(bool, https);
        m_proxy->setCredentials("alice:s3cret");
        const QString variable =
            https ? QStringLiteral("https_proxy") : QStringLiteral("http_proxy");
        const QStringList args =
            https ? QStringList{QStringLiteral("--cacert"), m_servers.caFile(), httpsUrl()}
                  : QStringList{httpUrl()};
        // Without credentials: 407 is final (exit 4), nothing is saved.
        RunResult r = get({{variable, proxyUrl()}}, args);
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("407"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("proxy"), qPrintable(r.describe()));
        QVERIFY(m_proxy->refusedCount() > 0);
        QVERIFY(entries(out()).isEmpty());
        // With them in the proxy URL.
        const QString withUser =
            QStringLiteral("http://alice:s3cret@127.0.0.1:%1").arg(m_proxy->port());
        r = get({{variable, withUser}}, args);
        verifySaved(r);
    }

    void putThroughProxy_data()
    {
        QTest::addColumn<bool>("https");
        QTest::newRow("http") << false;
        QTest::newRow("https (CONNECT)") << true;
    }

    void putThroughProxy()
    {
        QFETCH(bool, https);
        const QString source = m_tmp->filePath(QStringLiteral("upload.bin"));
        const QByteArray body = makeTestData(3 * 1024 * 1024 + 3, 22);
        {
            QFile f(source);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(body);
        }
        const QString name = https ? QStringLiteral("up-https.bin") : QStringLiteral("up-http.bin");
        const QString target = TlsServers::url(https ? m_servers.good : m_servers.plain,
                                               QStringLiteral("/dav/") + name, https,
                                               QStringLiteral("origin.invalid"));
        Btstream p(m_tmp->path());
        QProcessEnvironment environment = p.processEnvironment();
        environment.insert(https ? QStringLiteral("https_proxy") : QStringLiteral("http_proxy"),
                           proxyUrl());
        p.setProcessEnvironment(environment);
        const RunResult r =
            p.run({QStringLiteral("put"), QStringLiteral("--put"), QStringLiteral("--data-dir"),
                   data(), QStringLiteral("--cacert"), m_servers.caFile(), source, target});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(m_servers.root() + QStringLiteral("/dav/") + name), sha256Hex(body));
        const QList<QByteArray> lines = m_proxy->requestLines();
        QVERIFY2(!lines.isEmpty(), "the proxy saw no request");
        const QByteArray expected = https ? QByteArray("CONNECT origin.invalid:")
                                          : QByteArray("PUT http://origin.invalid:");
        bool seen = false;
        for (const QByteArray &line : lines)
            seen = seen || line.startsWith(expected);
        QVERIFY2(seen, lines.join(QByteArrayLiteral(", ")).constData());
    }

    void proxyOption()
    {
        // -x wins over the environment, as curl's.
        RunResult r = get({{QStringLiteral("http_proxy"), QStringLiteral("http://127.0.0.1:1")}},
                          {QStringLiteral("-x"), proxyUrl(), httpUrl()});
        verifySaved(r);
        QVERIFY(!m_proxy->requestLines().isEmpty());
        // "none": direct, whatever the environment says (origin.invalid does not resolve).
        const qsizetype seen = m_proxy->requestLines().size();
        QDir(out()).removeRecursively();
        QVERIFY(QDir().mkpath(out()));
        r = get({{QStringLiteral("http_proxy"), proxyUrl()}},
                {QStringLiteral("--proxy"), QStringLiteral("none"), QStringLiteral("--retries"),
                 QStringLiteral("0"), httpUrl()});
        QVERIFY2(r.exitCode == 3 && r.err.contains("not found"), qPrintable(r.describe()));
        QCOMPARE(m_proxy->requestLines().size(), seen);
        // Not a proxy URL: a usage error before anything starts.
        r = get({}, {QStringLiteral("-x"), QStringLiteral("ftp://h:1"), httpUrl()});
        QVERIFY2(r.exitCode == 2 && r.err.contains("--proxy"), qPrintable(r.describe()));
    }

    void socksProxy_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<bool>("proxyResolves");
        QTest::newRow("all_proxy socks5h")
            << QStringLiteral("all_proxy") << QStringLiteral("socks5h") << true;
        QTest::newRow("ALL_PROXY socks5")
            << QStringLiteral("ALL_PROXY") << QStringLiteral("socks5") << false;
        QTest::newRow("http_proxy socks5h")
            << QStringLiteral("http_proxy") << QStringLiteral("socks5h") << true;
    }

    void socksProxy()
    {
        QFETCH(QString, variable);
        QFETCH(QString, scheme);
        QFETCH(bool, proxyResolves);
        const QString host = loopbackHostName();
        if (host.isEmpty())
            QSKIP("this machine's host name does not resolve to 127.0.0.1");
        Socks socks;
        QString whyNot;
        QVERIFY2(startSocks(&socks, &whyNot), qPrintable(whyNot));
        const QString proxy =
            QStringLiteral("%1://alice:s3cret@127.0.0.1:%2").arg(scheme).arg(socks.port);
        const RunResult r =
            get({{variable, proxy}},
                {QStringLiteral("--connections"), QStringLiteral("2"),
                 TlsServers::url(m_servers.plain, QStringLiteral("/file.bin"), false, host)});
        verifySaved(r);
        // socks5h hands the name to the proxy; socks5 resolves it first.
        const QByteArray log = socks.log();
        const QByteArray target = (proxyResolves ? host.toUtf8() : QByteArray("127.0.0.1")) + ':' +
                                  QByteArray::number(m_servers.plain);
        QVERIFY2(log.contains("connected to " + target), log.constData());
    }

    void socksRefusesWithoutCredentials()
    {
        Socks socks;
        QString whyNot;
        QVERIFY2(startSocks(&socks, &whyNot), qPrintable(whyNot));
        const QString proxy = QStringLiteral("socks5h://127.0.0.1:%1").arg(socks.port);
        const RunResult r = get({{QStringLiteral("all_proxy"), proxy}},
                                {QStringLiteral("--retries"), QStringLiteral("0"), httpUrl()});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("proxy"), qPrintable(r.describe()));
        QVERIFY2(!socks.log().contains("connected to"), "the proxy connected anyway");
        QVERIFY(entries(out()).isEmpty());
    }

    void proxyRefusesConnections()
    {
        const quint16 closed = NginxTestServer::freePort(); // nothing listens there
        const RunResult r =
            get({{QStringLiteral("http_proxy"), QStringLiteral("http://127.0.0.1:%1").arg(closed)}},
                {QStringLiteral("--retries"), QStringLiteral("0"), httpUrl()});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("proxy 127.0.0.1:" + QByteArray::number(closed)),
                 qPrintable(r.describe()));
        QVERIFY(entries(out()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliProxy)
#include "tst_cli_proxy.moc"

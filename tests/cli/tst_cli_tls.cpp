// btstream get and put over HTTPS against nginx with certificates made at test time: verified
// by default, --cacert, --insecure, and what a refused certificate leaves behind (nothing).
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "TlsServers.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

class TestCliTls : public QObject
{
    Q_OBJECT
private:
    TlsServers m_servers;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_body;

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }

    RunResult get(const QStringList &extra)
    {
        Btstream p(m_tmp->path());
        return p.run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                 QStringLiteral("-d"), out()} +
                     extra);
    }

    // A refused download leaves nothing in the output folder: no final name, no empty file.
    void verifyNothingSaved(const RunResult &r)
    {
        QVERIFY2(entries(out()).isEmpty(), qPrintable(entries(out()).join(QLatin1Char(' '))));
        Q_UNUSED(r);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString whyNot;
        if (!m_servers.start(&whyNot))
            QSKIP(qPrintable(whyNot));
        m_body = makeTestData(2 * 1024 * 1024 + 77, 11);
        QVERIFY(m_servers.writeFile(QStringLiteral("file.bin"), m_body));
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
    }

    void unknownCaIsRefused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("self-signed")
            << TlsServers::url(m_servers.selfSigned, QStringLiteral("/file.bin")) << QStringList();
        QTest::newRow("CA not in the system store")
            << TlsServers::url(m_servers.good, QStringLiteral("/file.bin")) << QStringList();
        QTest::newRow("--cacert of another CA")
            << TlsServers::url(m_servers.good, QStringLiteral("/file.bin"))
            << QStringList{QStringLiteral("--cacert"), m_servers.otherCaFile()};
    }

    void unknownCaIsRefused()
    {
        QFETCH(QString, url);
        QFETCH(QStringList, extra);
        // Default retries: a certificate error is final at once, not retried for minutes
        // (run() gives up after 30 s).
        const RunResult r = get(extra + QStringList{url});
        QVERIFY2(r.finished, qPrintable(r.describe()));
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("TLS error"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("certificate"), qPrintable(r.describe()));
        verifyNothingSaved(r);
    }

    void tlsErrorInJson()
    {
        const RunResult r =
            get({QStringLiteral("--json"),
                 TlsServers::url(m_servers.selfSigned, QStringLiteral("/file.bin"))});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        const QList<QJsonObject> lines = r.jsonLines();
        QVERIFY(!lines.isEmpty());
        QCOMPARE(lines.last().value(QStringLiteral("error")).toString(), QStringLiteral("tls"));
    }

    // A redirect to an https address whose certificate fails is the TLS error (exit 3,
    // "tls"), not the 302 that led there.
    void tlsErrorAfterRedirect_data()
    {
        QTest::addColumn<QString>("target");
        QTest::newRow("self-signed")
            << TlsServers::url(m_servers.selfSigned, QStringLiteral("/file.bin"));
        QTest::newRow("wrong host name")
            << TlsServers::url(m_servers.wrongHost, QStringLiteral("/file.bin"));
    }

    void tlsErrorAfterRedirect()
    {
        QFETCH(QString, target);
        FaultServer origin;
        QVERIFY(origin.listenInThread());
        origin.addRedirect("/go.bin", target.toUtf8(), 302);
        const RunResult r = get({QStringLiteral("--json"), QStringLiteral("--cacert"),
                                 m_servers.caFile(), QString::fromLatin1(origin.url("/go.bin"))});
        QVERIFY2(r.finished, qPrintable(r.describe()));
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        const QList<QJsonObject> lines = r.jsonLines();
        QVERIFY(!lines.isEmpty());
        QCOMPARE(lines.last().value(QStringLiteral("error")).toString(), QStringLiteral("tls"));
        const QString message = lines.last().value(QStringLiteral("message")).toString();
        QVERIFY2(message.startsWith(QStringLiteral("TLS error")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("302")), qPrintable(message));
        verifyNothingSaved(r);
    }

    void redirectFromHttpsToHttpIsRefused()
    {
        const RunResult r = get({QStringLiteral("--cacert"), m_servers.caFile(),
                                 TlsServers::url(m_servers.good, QStringLiteral("/to-plain.bin"))});
        QVERIFY2(r.finished, qPrintable(r.describe()));
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("Refused a redirect from HTTPS to HTTP"), qPrintable(r.describe()));
        verifyNothingSaved(r);
    }

    void insecureAcceptsAnyCertificate()
    {
        const RunResult r =
            get({QStringLiteral("--insecure"), QStringLiteral("--connections"), QStringLiteral("2"),
                 TlsServers::url(m_servers.selfSigned, QStringLiteral("/file.bin"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("file.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
    }

    void cacertTrustsTheTestCa()
    {
        const RunResult r = get({QStringLiteral("--cacert"), m_servers.caFile(),
                                 QStringLiteral("--connections"), QStringLiteral("2"),
                                 TlsServers::url(m_servers.good, QStringLiteral("/file.bin"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("file.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
    }

    void cacertByHostName()
    {
        // The certificate names localhost too.
        const RunResult r = get({QStringLiteral("--cacert"), m_servers.caFile(),
                                 TlsServers::url(m_servers.good, QStringLiteral("/file.bin"), true,
                                                 QStringLiteral("localhost"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
    }

    void hostNameMismatchIsRefused()
    {
        // Signed by the trusted CA, but for another name.
        const RunResult r =
            get({QStringLiteral("--cacert"), m_servers.caFile(),
                 TlsServers::url(m_servers.wrongHost, QStringLiteral("/file.bin"))});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("TLS error"), qPrintable(r.describe()));
        QVERIFY2(r.err.contains("host name"), qPrintable(r.describe()));
        verifyNothingSaved(r);
    }

    void insecureAcceptsAWrongHostName()
    {
        const RunResult r =
            get({QStringLiteral("--insecure"),
                 TlsServers::url(m_servers.wrongHost, QStringLiteral("/file.bin"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/file.bin")), sha256Hex(m_body));
    }

    void cacertUnreadableIsAUsageError_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("missing") << QStringLiteral("/nonexistent/ca.pem");
        QTest::newRow("not a certificate") << QStringLiteral(BTSTREAM_PATH);
    }

    void cacertUnreadableIsAUsageError()
    {
        QFETCH(QString, file);
        const RunResult r = get({QStringLiteral("--cacert"), file,
                                 TlsServers::url(m_servers.good, QStringLiteral("/file.bin"))});
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("--cacert"), qPrintable(r.describe()));
        verifyNothingSaved(r);
    }

    void putHonoursCacert()
    {
        const QString source = m_tmp->filePath(QStringLiteral("upload.bin"));
        const QByteArray body = makeTestData(512 * 1024 + 5, 12);
        {
            QFile f(source);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(body);
        }
        const QString target = TlsServers::url(m_servers.good, QStringLiteral("/dav/upload.bin"));
        {
            Btstream p(m_tmp->path());
            const RunResult r = p.run({QStringLiteral("put"), QStringLiteral("--put"),
                                       QStringLiteral("--data-dir"), data(), source, target});
            QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
            QVERIFY2(r.err.contains("TLS error"), qPrintable(r.describe()));
            QVERIFY(!QFileInfo::exists(m_servers.root() + QStringLiteral("/dav/upload.bin")));
        }
        Btstream p(m_tmp->path());
        const RunResult r =
            p.run({QStringLiteral("put"), QStringLiteral("--put"), QStringLiteral("--data-dir"),
                   data(), QStringLiteral("--cacert"), m_servers.caFile(), source, target});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(fileSha256Hex(m_servers.root() + QStringLiteral("/dav/upload.bin")),
                 sha256Hex(body));
    }
};

QTEST_GUILESS_MAIN(TestCliTls)
#include "tst_cli_tls.moc"

// FTPS (explicit TLS: AUTH TLS, then PROT P on every data connection) with btstream get and
// put against pyftpdlib's TLS handler (tests/servers/ftp/ftpserver.py --tls), its certificate
// issued at test time by a throwaway CA (tests/support/TestCerts).
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "RemoteFileServers.h"
#include "TestCerts.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

namespace {
const QString kUser = QStringLiteral("ann");
const QString kPassword = QStringLiteral("pa55word");
} // namespace

class TestCliFtps : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_root; // what the server serves and stores into
    TestCerts m_certs;
    FtpTestServer m_ftps;
    QByteArray m_data;
    std::unique_ptr<QTemporaryDir> m_tmp;

    QString url(const QString &path) const
    {
        return QStringLiteral("ftps://%1:%2@127.0.0.1:%3%4")
            .arg(kUser, kPassword)
            .arg(m_ftps.port())
            .arg(path);
    }
    QString local(const QString &name) const { return m_tmp->filePath(name); }
    QByteArray contents(const QString &file) const
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(missing)");
    }
    RunResult run(const QStringList &arguments)
    {
        Btstream p(m_tmp->path());
        return p.run(QStringList{arguments.first(), QStringLiteral("--data-dir"),
                                 local(QStringLiteral("data")), QStringLiteral("--retries"),
                                 QStringLiteral("1")} +
                         arguments.mid(1),
                     60000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!FtpTestServer::available())
            QSKIP("python3-pyftpdlib is not installed (scripts/setup.sh --test)");
        QVERIFY(m_root.isValid());
        QString why;
        QVERIFY2(m_certs.create(&why), qPrintable(why));
        QVERIFY2(m_certs.issue(QStringLiteral("ftp"), {QStringLiteral("IP:127.0.0.1")}, &why),
                 qPrintable(why));
        m_data = makeTestData(2 * 1024 * 1024 + 5, 9);
        QFile f(m_root.filePath(QStringLiteral("data.bin")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_data);
        f.close();
        QVERIFY2(m_ftps.start(m_root.path(), kUser, kPassword,
                              {QStringLiteral("--tls"), m_certs.certFile(QStringLiteral("ftp")),
                               m_certs.keyFile(QStringLiteral("ftp"))},
                              &why),
                 qPrintable(why));
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }

    void download()
    {
        const RunResult r =
            run({QStringLiteral("get"), QStringLiteral("--cacert"), m_certs.caFile(),
                 QStringLiteral("-d"), local(QString()), url(QStringLiteral("/data.bin"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe() + QString::fromLatin1(m_ftps.log())));
        QVERIFY(contents(local(QStringLiteral("data.bin"))) == m_data);
        // Encrypted both ways: the control connection (AUTH) and the data (PROT P).
        QVERIFY(m_ftps.log().contains("AUTH"));
        QVERIFY(m_ftps.log().contains("PROT P"));
        QVERIFY(!r.err.contains(kPassword.toUtf8()) && !r.out.contains(kPassword.toUtf8()));
    }

    void upload()
    {
        QFile f(local(QStringLiteral("up.bin")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_data);
        f.close();
        const RunResult r =
            run({QStringLiteral("put"), QStringLiteral("--cacert"), m_certs.caFile(),
                 local(QStringLiteral("up.bin")), url(QStringLiteral("/incoming/"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe() + QString::fromLatin1(m_ftps.log())));
        QCOMPARE(
            QCryptographicHash::hash(contents(m_root.filePath(QStringLiteral("incoming/up.bin"))),
                                     QCryptographicHash::Sha256)
                .toHex(),
            sha256Hex(m_data));
        QVERIFY(!QFileInfo::exists(m_root.filePath(QStringLiteral("incoming/up.bin.part"))));
    }

    void untrustedCertificate()
    {
        // The system's CAs do not know the test CA: refused before the login, not retried.
        const RunResult get = run({QStringLiteral("get"), QStringLiteral("-d"), local(QString()),
                                   url(QStringLiteral("/data.bin"))});
        QVERIFY2(get.exitCode == 3, qPrintable(get.describe()));
        QVERIFY(!QFileInfo::exists(local(QStringLiteral("data.bin"))));
        QFile f(local(QStringLiteral("up.bin")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        const RunResult put = run({QStringLiteral("put"), local(QStringLiteral("up.bin")),
                                   url(QStringLiteral("/refused/"))});
        QVERIFY2(put.exitCode == 3, qPrintable(put.describe()));
        QVERIFY(!QFileInfo::exists(m_root.filePath(QStringLiteral("refused"))));
    }
};

QTEST_GUILESS_MAIN(TestCliFtps)
#include "tst_cli_ftps.moc"

// FTPS (explicit TLS: AUTH TLS, then PROT P on every data connection) with btstream get and
// put against pyftpdlib's TLS handler (tests/servers/ftp/ftpserver.py --tls) and vsftpd, their
// certificate issued at test time by a throwaway CA (tests/support/TestCerts).
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "RemoteFileServers.h"
#include "TestCerts.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace bt::test;

namespace {
const QString kUser = QStringLiteral("ann");
const QString kPassword = QStringLiteral("pa55word");
} // namespace

// vsftpd (Debian's) as an anonymous FTPS server: TLS required on both connections, uploads
// into pub/ (anonymous: no PAM, no system user to add). It starts the data connection's TLS
// only after RETR/STOR, which libcurl 7.88 could wait for for ever (net/CurlReply.cpp).
class VsftpdServer
{
public:
    static QString path() { return QStringLiteral("/usr/sbin/vsftpd"); }
    ~VsftpdServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    bool start(const QString &cert, const QString &key, QString *whyNot)
    {
        // The anonymous root may not be writable (vsftpd refuses); pub/ is.
        QDir(root()).mkpath(QStringLiteral("pub"));
        QDir(m_dir.path()).mkpath(QStringLiteral("empty"));
        QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                QFileDevice::ExeOther);
        QFile::setPermissions(root(), QFileDevice::ReadOwner | QFileDevice::ExeOwner |
                                          QFileDevice::ReadOther | QFileDevice::ExeOther);
        QFile::setPermissions(root() + QStringLiteral("/pub"),
                              QFileDevice::Permissions(0x7777)); // rwx for all: ftp writes
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            return false;
        m_port = probe.serverPort();
        probe.close();
        QFile config(m_dir.filePath(QStringLiteral("vsftpd.conf")));
        if (!config.open(QIODevice::WriteOnly))
            return false;
        config.write(QStringLiteral("listen=YES\nlisten_address=127.0.0.1\nlisten_port=%1\n"
                                    "background=NO\nlocal_enable=NO\nanonymous_enable=YES\n"
                                    "no_anon_password=YES\nanon_root=%2\nwrite_enable=YES\n"
                                    "anon_upload_enable=YES\nanon_mkdir_write_enable=YES\n"
                                    "anon_other_write_enable=YES\nanon_umask=022\n"
                                    "pasv_enable=YES\npasv_address=127.0.0.1\n"
                                    "ssl_enable=YES\nallow_anon_ssl=YES\n"
                                    "force_anon_logins_ssl=YES\nforce_anon_data_ssl=YES\n"
                                    "require_ssl_reuse=NO\nrsa_cert_file=%3\n"
                                    "rsa_private_key_file=%4\nsecure_chroot_dir=%5\n"
                                    "seccomp_sandbox=NO\nlog_ftp_protocol=YES\n"
                                    "vsftpd_log_file=%6\n")
                         .arg(m_port)
                         .arg(root(), cert, key, m_dir.filePath(QStringLiteral("empty")),
                              m_dir.filePath(QStringLiteral("log")))
                         .toUtf8());
        config.close();
        m_process.start(path(), {config.fileName()});
        // Ready once it accepts a connection (it prints nothing).
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000 && m_process.state() != QProcess::NotRunning) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_port);
            if (socket.waitForConnected(500) && socket.waitForReadyRead(2000) &&
                socket.readAll().startsWith("220"))
                return true;
            m_process.waitForFinished(100);
        }
        *whyNot =
            QStringLiteral("vsftpd did not start: ") + QString::fromLocal8Bit(m_process.readAll());
        return false;
    }
    quint16 port() const { return m_port; }
    QString root() const { return m_dir.filePath(QStringLiteral("anon")); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

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

    void vsftpdGet()
    {
        if (!QFileInfo(VsftpdServer::path()).isExecutable())
            QSKIP("vsftpd is not installed (scripts/setup.sh --test)");
        VsftpdServer vsftpd;
        QString why;
        QVERIFY2(vsftpd.start(m_certs.certFile(QStringLiteral("ftp")),
                              m_certs.keyFile(QStringLiteral("ftp")), &why),
                 qPrintable(why));
        QFile f(vsftpd.root() + QStringLiteral("/data.bin"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_data);
        f.close();
        const QString base = QStringLiteral("ftps://anonymous@127.0.0.1:%1").arg(vsftpd.port());
        // Several times: without the nudge about half of them waited for ever. (Uploads to
        // this vsftpd are not checked here: in this configuration it answered some STORs
        // with 426 after 112 KiB, still open, see the README.)
        for (int i = 0; i < 4; ++i) {
            const QString name = QStringLiteral("get%1.bin").arg(i);
            const RunResult get =
                run({QStringLiteral("get"), QStringLiteral("--cacert"), m_certs.caFile(),
                     QStringLiteral("-o"), local(name), base + QStringLiteral("/data.bin")});
            QVERIFY2(get.exitCode == 0 && get.elapsedMs < 15000, qPrintable(get.describe()));
            QVERIFY(contents(local(name)) == m_data);
        }
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

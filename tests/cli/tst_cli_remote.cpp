// btstream get from FTP and SFTP servers: pyftpdlib and OpenSSH's sshd,
// started by the test on 127.0.0.1 (tests/cli/RemoteFileServers.h).
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "RemoteFileServers.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace bt::test;

namespace {
const QString &kPassword = RemoteFileServers::password; // FTP's
} // namespace

class TestCliRemote : public QObject
{
    Q_OBJECT
private:
    RemoteFileServers m_servers; // what the servers serve
    QByteArray m_small;
    QByteArray m_big;
    std::unique_ptr<QTemporaryDir> m_tmp;

    QString out(const QString &name = {}) const
    {
        return m_tmp->filePath(QStringLiteral("out/") + name);
    }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString sftpUrl(const QString &file) const
    {
        return QStringLiteral("sftp://root@127.0.0.1:%1%2/%3")
            .arg(m_servers.sftp.port())
            .arg(m_servers.root(), file);
    }
    // `get` and what every run here asks, before a test's own arguments.
    QStringList getArguments() const
    {
        return QStringList{QStringLiteral("get"),
                           QStringLiteral("--data-dir"),
                           data(),
                           QStringLiteral("-d"),
                           out(),
                           QStringLiteral("--retries"),
                           QStringLiteral("1")};
    }
    RunResult get(const QStringList &extra)
    {
        return m_servers.run(m_tmp->path(), getArguments() + extra);
    }
    bool fileIs(const QString &name, const QByteArray &expected) const
    {
        QFile f(out(name));
        return f.open(QIODevice::ReadOnly) && f.readAll() == expected;
    }
    // Starts `get extra`, kills it with SIGKILL once some of it is on disk, runs it again.
    void killAndResume(const QStringList &extra, const QString &name)
    {
        {
            Btstream p(m_tmp->path());
            p.setArguments(getArguments() +
                           QStringList{QStringLiteral("--json"), QStringLiteral("--limit-rate"),
                                       QStringLiteral("512K")} +
                           extra);
            m_servers.setUpClient(&p);
            p.start();
            QVERIFY(p.waitForStarted());
            // The store holds offsets only once they are synced: kill after 1 MiB arrived
            // (two seconds at the limit), so that some of it has been.
            const qint64 done = p.waitForDone(1024 * 1024);
            QVERIFY2(p.state() == QProcess::Running, "btstream ended before the kill");
            QVERIFY(done >= 1024 * 1024);
            ::kill(pid_t(p.processId()), SIGKILL);
            QVERIFY(p.waitForFinished(5000));
            QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        }
        QVERIFY(!QFileInfo::exists(out(name)));
        const RunResult r = get(extra);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(fileIs(name, m_big));
        QVERIFY(!QFileInfo::exists(out(name + QStringLiteral(".part"))));
        // It continued where the synced data ended, not from byte 0.
        static const QRegularExpression resumed(QStringLiteral("Resuming .* at ([0-9]+) of"));
        const QRegularExpressionMatch m = resumed.match(QString::fromUtf8(r.out + r.err));
        QVERIFY2(m.hasMatch(), qPrintable(r.describe()));
        QVERIFY2(m.captured(1).toLongLong() > 0, qPrintable(m.captured(0)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (const char *missing = RemoteFileServers::missing())
            QSKIP(missing);
        QString why;
        QVERIFY2(m_servers.start(&why), qPrintable(why));
        m_small = makeTestData(300 * 1024 + 7, 3);
        m_big = makeTestData(3 * 1024 * 1024 + 11, 4);
        for (const auto &[name, body] : {std::pair{"small.bin", &m_small}, {"big.bin", &m_big}}) {
            QFile f(QDir(m_servers.root()).filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(*body);
        }
        QFile(QDir(m_servers.root()).filePath(QStringLiteral("empty.bin")))
            .open(QIODevice::WriteOnly);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(m_servers.sftp.writeKnownHosts(true));
    }

    void ftpByteExact()
    {
        const RunResult r = get({m_servers.ftpUrl(QStringLiteral("/small.bin")),
                                 m_servers.ftpUrl(QStringLiteral("/empty.bin"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(fileIs(QStringLiteral("small.bin"), m_small));
        QVERIFY(fileIs(QStringLiteral("empty.bin"), {}));
        QVERIFY(m_servers.ftp.log().contains("PASV") || m_servers.ftp.log().contains("EPSV"));
        // The password was used, never kept: not in the store, not in what btstream printed.
        QVERIFY(!r.out.contains(kPassword.toUtf8()) && !r.err.contains(kPassword.toUtf8()));
        QFile store(data() + QStringLiteral("/transfers.sqlite"));
        QVERIFY(store.open(QIODevice::ReadOnly));
        QVERIFY(!store.readAll().contains(kPassword.toUtf8()));
        Btstream list(m_tmp->path());
        const RunResult l = list.run({QStringLiteral("list"), QStringLiteral("--json"),
                                      QStringLiteral("--data-dir"), data()});
        QVERIFY(!l.out.contains(kPassword.toUtf8()));
        QCOMPARE(QJsonDocument::fromJson(l.out).array().at(0)[QStringLiteral("url")].toString(),
                 QStringLiteral("ftp://ann@127.0.0.1:%1/small.bin").arg(m_servers.ftp.port()));
    }

    void ftpWrongPassword()
    {
        const RunResult r =
            get({m_servers.ftpUrl(QStringLiteral("/small.bin"), QStringLiteral("Xyzzy-bad"))});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("refused the login"), qPrintable(r.describe()));
        QVERIFY(!r.err.contains("Xyzzy"));
        QVERIFY(entries(out()).isEmpty());
    }

    void ftpMissingFile()
    {
        const RunResult r = get({m_servers.ftpUrl(QStringLiteral("/nothing.bin"))});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("no file /nothing.bin"), qPrintable(r.describe()));
    }

    void ftpKillAndResume()
    {
        killAndResume({m_servers.ftpUrl(QStringLiteral("/big.bin"))}, QStringLiteral("big.bin"));
        // The second run continued where the synced data ended: REST with an offset.
        static const QRegularExpression rest(QStringLiteral("REST ([1-9][0-9]*)"));
        const QRegularExpressionMatch m = rest.match(QString::fromLatin1(m_servers.ftp.log()));
        QVERIFY2(m.hasMatch(), m_servers.ftp.log().right(2000).constData());
        QVERIFY2(m.captured(1).toLongLong() > 0, qPrintable(m.captured(0)));
    }

    void sftpByteExact()
    {
        const RunResult r = get({sftpUrl(QStringLiteral("small.bin"))});
        QVERIFY2(r.exitCode == 0,
                 qPrintable(r.describe() + QString::fromLatin1(m_servers.sftp.log())));
        QVERIFY(fileIs(QStringLiteral("small.bin"), m_small));
    }

    void sftpKillAndResume()
    {
        killAndResume({sftpUrl(QStringLiteral("big.bin"))}, QStringLiteral("big.bin"));
    }

    void sftpUnknownHostKey()
    {
        QVERIFY(m_servers.sftp.writeKnownHosts(false));
        const RunResult r = get({sftpUrl(QStringLiteral("small.bin"))});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("known_hosts"), qPrintable(r.describe()));
        QVERIFY(entries(out()).isEmpty());
    }

    void sftpNoKey()
    {
        QVERIFY(QFile::rename(m_servers.sftp.sshDir() + QStringLiteral("/id_ed25519"),
                              m_servers.sftp.sshDir() + QStringLiteral("/moved")));
        const RunResult r = get({sftpUrl(QStringLiteral("small.bin"))});
        QVERIFY(QFile::rename(m_servers.sftp.sshDir() + QStringLiteral("/moved"),
                              m_servers.sftp.sshDir() + QStringLiteral("/id_ed25519")));
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("refused the login"), qPrintable(r.describe()));
    }
};

QTEST_GUILESS_MAIN(TestCliRemote)
#include "tst_cli_remote.moc"

// btstream put to FTP and SFTP servers: pyftpdlib and OpenSSH's sshd, started by the test on
// 127.0.0.1 (tests/cli/RemoteFileServers.h). What is checked is what lands on the server.
#include "BtstreamProcess.h"
#include "FaultServer.h"
#include "RemoteFileServers.h"

#include <QCryptographicHash>
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

QByteArray sha256Of(const QString &path)
{
    QFile f(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!f.open(QIODevice::ReadOnly) || !hash.addData(&f))
        return {};
    return hash.result().toHex();
}
} // namespace

class TestCliRemotePut : public QObject
{
    Q_OBJECT
private:
    // What the servers store into (FTP: its root; SFTP: absolute paths).
    RemoteFileServers m_servers;
    QByteArray m_small;
    QByteArray m_big;
    std::unique_ptr<QTemporaryDir> m_tmp; // the client side: sources and the store

    QString sftpUrl(const QString &path) const
    {
        return QStringLiteral("sftp://root@127.0.0.1:%1%2%3")
            .arg(m_servers.sftp.port())
            .arg(m_servers.root(), path);
    }
    QString onServer(const QString &path) const { return m_servers.root() + path; }
    QString source(const QString &name) const { return m_tmp->filePath(name); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    void writeSource(const QString &name, const QByteArray &bytes) const
    {
        QDir().mkpath(QFileInfo(source(name)).absolutePath());
        QFile f(source(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    // `put` and what every run here asks, before a test's own arguments.
    QStringList putArguments() const
    {
        return {QStringLiteral("put"), QStringLiteral("--data-dir"), data(),
                QStringLiteral("--retries"), QStringLiteral("1")};
    }
    RunResult put(const QStringList &arguments)
    {
        return m_servers.run(m_tmp->path(), putArguments() + arguments);
    }
    // Starts `put big.bin URL` slowly, kills it with SIGKILL once 1 MiB went out, checks that
    // only NAME.part holds bytes on the server, runs the same command again. Returns the
    // offset the second run continued from (-1: none).
    // `marker`: written over the first bytes of NAME.part on the server after the kill (its
    // size unchanged): a resume that sends only the rest leaves it there.
    qint64 killAndResume(const QString &url, const QString &serverName,
                         const QByteArray &marker = {})
    {
        writeSource(QStringLiteral("big.bin"), m_big);
        {
            Btstream p(m_tmp->path());
            p.setArguments(putArguments() + QStringList{QStringLiteral("--json"),
                                                        QStringLiteral("--limit-rate"),
                                                        QStringLiteral("512K"),
                                                        source(QStringLiteral("big.bin")), url});
            m_servers.setUpClient(&p);
            p.start();
            if (!p.waitForStarted())
                return -1;
            const qint64 done = p.waitForDone(1024 * 1024);
            if (p.state() != QProcess::Running || done < 1024 * 1024) {
                qWarning("btstream ended (or stalled) before the kill: %lld bytes", done);
                return -1;
            }
            ::kill(pid_t(p.processId()), SIGKILL);
            if (!p.waitForFinished(5000) || p.exitStatus() != QProcess::CrashExit)
                return -1;
        }
        // Cut: the bytes so far are in NAME.part, never under the final name.
        if (QFileInfo::exists(onServer(serverName))) {
            qWarning("the final name exists after the kill");
            return -1;
        }
        const qint64 cut = QFileInfo(onServer(serverName + QStringLiteral(".part"))).size();
        if (cut <= 0 || cut >= m_big.size()) {
            qWarning("NAME.part has %lld bytes after the kill", cut);
            return -1;
        }
        if (!marker.isEmpty()) {
            QFile part(onServer(serverName + QStringLiteral(".part")));
            if (!part.open(QIODevice::ReadWrite) || part.write(marker) != marker.size())
                return -1;
        }
        const RunResult r = put({source(QStringLiteral("big.bin")), url});
        if (r.exitCode != 0) {
            qWarning("%s", qPrintable(r.describe()));
            return -1;
        }
        static const QRegularExpression resumed(
            QStringLiteral("Resuming the upload of .* at byte ([0-9]+) of"));
        const QRegularExpressionMatch m = resumed.match(QString::fromUtf8(r.out + r.err));
        if (!m.hasMatch()) {
            qWarning("no resume: %s", qPrintable(r.describe()));
            return -1;
        }
        return m.captured(1).toLongLong();
    }
    void checkBig(const QString &serverName)
    {
        QCOMPARE(sha256Of(onServer(serverName)), sha256Hex(m_big));
        QVERIFY(!QFileInfo::exists(onServer(serverName + QStringLiteral(".part"))));
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (const char *missing = RemoteFileServers::missing())
            QSKIP(missing);
        QString why;
        QVERIFY2(m_servers.start(&why), qPrintable(why));
        m_small = makeTestData(300 * 1024 + 7, 5);
        m_big = makeTestData(3 * 1024 * 1024 + 11, 6);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(m_servers.sftp.writeKnownHosts(true));
    }

    void ftpByteExact()
    {
        writeSource(QStringLiteral("small.bin"), m_small);
        // Into folders that do not exist yet.
        const RunResult r =
            put({source(QStringLiteral("small.bin")), m_servers.ftpUrl(QStringLiteral("/up/a/"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(sha256Of(onServer(QStringLiteral("/up/a/small.bin"))), sha256Hex(m_small));
        QVERIFY(!QFileInfo::exists(onServer(QStringLiteral("/up/a/small.bin.part"))));
        QVERIFY2(m_servers.ftp.log().contains("RNTO"), m_servers.ftp.log().right(2000).constData());
        // The password was used, never kept: not in the store, not in what btstream printed.
        QVERIFY(!r.out.contains(kPassword.toUtf8()) && !r.err.contains(kPassword.toUtf8()));
        for (const QString &name : entries(data())) { // the store, its WAL, anything there
            QFile file(data() + QLatin1Char('/') + name);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(kPassword.toUtf8()), qPrintable(name));
        }
        Btstream list(m_tmp->path());
        const RunResult l = list.run({QStringLiteral("list"), QStringLiteral("--json"),
                                      QStringLiteral("--data-dir"), data()});
        QVERIFY(!l.out.contains(kPassword.toUtf8()));
        QCOMPARE(QJsonDocument::fromJson(l.out).array().at(0)[QStringLiteral("url")].toString(),
                 QStringLiteral("ftp://ann@127.0.0.1:%1/up/a/").arg(m_servers.ftp.port()));

        // Again: already uploaded, nothing sent.
        const RunResult again =
            put({source(QStringLiteral("small.bin")), m_servers.ftpUrl(QStringLiteral("/up/a/"))});
        QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
        QVERIFY2((again.out + again.err).contains("already uploaded"),
                 qPrintable(again.describe()));
    }

    void ftpNamedAndReplaced()
    {
        writeSource(QStringLiteral("one.bin"), m_small);
        writeSource(QStringLiteral("two.bin"), m_small.left(1000));
        const QString url = m_servers.ftpUrl(QStringLiteral("/named.dat"));
        RunResult r = put({source(QStringLiteral("one.bin")), url});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(sha256Of(onServer(QStringLiteral("/named.dat"))), sha256Hex(m_small));
        r = put({source(QStringLiteral("two.bin")), url});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(sha256Of(onServer(QStringLiteral("/named.dat"))), sha256Hex(m_small.left(1000)));
    }

    void ftpFolder()
    {
        writeSource(QStringLiteral("photos/a.jpg"), m_small);
        writeSource(QStringLiteral("photos/2026/b.jpg"), m_small.left(5000));
        const RunResult r =
            put({source(QStringLiteral("photos")), m_servers.ftpUrl(QStringLiteral("/tree/"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(sha256Of(onServer(QStringLiteral("/tree/photos/a.jpg"))), sha256Hex(m_small));
        QCOMPARE(sha256Of(onServer(QStringLiteral("/tree/photos/2026/b.jpg"))),
                 sha256Hex(m_small.left(5000)));
    }

    void ftpWrongPassword()
    {
        writeSource(QStringLiteral("small.bin"), m_small);
        const RunResult r =
            put({source(QStringLiteral("small.bin")),
                 m_servers.ftpUrl(QStringLiteral("/denied/"), QStringLiteral("Xyzzy-bad"))});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("refused the login"), qPrintable(r.describe()));
        QVERIFY(!r.err.contains("Xyzzy") && !r.out.contains("Xyzzy"));
        QVERIFY(!QFileInfo::exists(onServer(QStringLiteral("/denied"))));
    }

    void ftpKillAndResume()
    {
        const qint64 from = killAndResume(m_servers.ftpUrl(QStringLiteral("/big/")),
                                          QStringLiteral("/big/big.bin"));
        QVERIFY(from > 0);
        checkBig(QStringLiteral("/big/big.bin"));
        // The second run sent only the rest: APPE of size - offset bytes.
        static const QRegularExpression appe(
            QStringLiteral("APPE \\S*big.bin.part completed=1 bytes=([0-9]+)"));
        const QRegularExpressionMatch m = appe.match(QString::fromLatin1(m_servers.ftp.log()));
        QVERIFY2(m.hasMatch(), m_servers.ftp.log().right(3000).constData());
        QCOMPARE(m.captured(1).toLongLong(), m_big.size() - from);
    }

    void sftpByteExact()
    {
        writeSource(QStringLiteral("small.bin"), m_small);
        const RunResult r =
            put({source(QStringLiteral("small.bin")), sftpUrl(QStringLiteral("/s/new/"))});
        QVERIFY2(r.exitCode == 0,
                 qPrintable(r.describe() + QString::fromLatin1(m_servers.sftp.log())));
        QCOMPARE(sha256Of(onServer(QStringLiteral("/s/new/small.bin"))), sha256Hex(m_small));
        QVERIFY(!QFileInfo::exists(onServer(QStringLiteral("/s/new/small.bin.part"))));
        // An existing file is replaced (an SFTP rename alone would refuse).
        writeSource(QStringLiteral("small.bin"), m_small.left(777));
        const RunResult again =
            put({source(QStringLiteral("small.bin")), sftpUrl(QStringLiteral("/s/new/"))});
        QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
        QCOMPARE(sha256Of(onServer(QStringLiteral("/s/new/small.bin"))),
                 sha256Hex(m_small.left(777)));
    }

    void sftpKillAndResume()
    {
        const QString name = QStringLiteral("/s/big.bin");
        // internal-sftp logs only to syslog: what was sent again shows in the file instead.
        const QByteArray marker(4096, 'M');
        const qint64 from = killAndResume(sftpUrl(QStringLiteral("/s/")), name, marker);
        QVERIFY(from >= marker.size());
        QVERIFY(!QFileInfo::exists(onServer(name + QStringLiteral(".part"))));
        QFile f(onServer(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray there = f.readAll();
        QCOMPARE(there.size(), m_big.size());
        // The first bytes were not sent again (the marker is still there), the rest was.
        QVERIFY(there.startsWith(marker));
        QVERIFY(there.mid(marker.size()) == m_big.mid(marker.size()));
    }

    void sftpUnknownHostKey()
    {
        QVERIFY(m_servers.sftp.writeKnownHosts(false));
        writeSource(QStringLiteral("small.bin"), m_small);
        const RunResult r =
            put({source(QStringLiteral("small.bin")), sftpUrl(QStringLiteral("/hostkey/"))});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("known_hosts"), qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(onServer(QStringLiteral("/hostkey"))));
    }
};

QTEST_GUILESS_MAIN(TestCliRemotePut)
#include "tst_cli_remoteput.moc"

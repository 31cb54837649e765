// Disk and store failures: exit 6 (disk) or 7 (store), a message that says what is wrong,
// and never a final file that is not complete.
#include "BtstreamProcess.h"
#include "FaultServer.h"

#include <QFileInfo>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace bt::test;

class TestCliDisk : public QObject
{
    Q_OBJECT
private:
    FaultServer m_server;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QStringList m_mounts; // to unmount in cleanup()

    QString out() const { return m_tmp->filePath(QStringLiteral("out")); }
    QString data() const { return m_tmp->filePath(QStringLiteral("data")); }
    QString url(const QByteArray &path) const { return QString::fromLatin1(m_server.url(path)); }

    // Answers `path` with a Content-Length of 4 GiB and only `head`; then closes, or not.
    void claimFourGiB(const QByteArray &path, const QByteArray &head, bool close)
    {
        m_server.setHook([=](const FaultServer::Request &r, QTcpSocket *socket) {
            if (r.path != path)
                return false;
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n"
                          "Accept-Ranges: bytes\r\nETag: \"c1\"\r\n\r\n" +
                          head);
            if (close)
                socket->disconnectFromHost();
            return true;
        });
    }

    RunResult get(const QString &dir, const QStringList &extra)
    {
        Btstream p(m_tmp->path());
        return p.run(QStringList{QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                                 QStringLiteral("-d"), dir} +
                     extra);
    }

    bool mountTmpfs(const QString &dir, const QString &options)
    {
        if (QProcess::execute(QStringLiteral("mount"),
                              {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                               options, QStringLiteral("tmpfs"), dir}) != 0)
            return false;
        m_mounts.append(dir);
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        FaultServer::Resource res;
        res.body = makeTestData(2 * 1024 * 1024, 5);
        m_server.setResource("/big.bin", res);
        res.body = makeTestData(10000, 6);
        m_server.setResource("/small.bin", res);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("out")));
    }

    void cleanup()
    {
        for (const QString &dir : std::as_const(m_mounts))
            QProcess::execute(QStringLiteral("umount"), {dir});
        m_mounts.clear();
        if (QFileInfo::exists(out()))
            QFile::setPermissions(out(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        m_tmp.reset();
    }

    void diskFull()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to mount a 1 MiB tmpfs");
        QVERIFY(mountTmpfs(out(), QStringLiteral("size=1m")));
        const RunResult r =
            get(out(), {QStringLiteral("--retries"), QStringLiteral("1"), url("/big.bin")});
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.err.toLower().contains("disk full") || r.err.toLower().contains("no space"),
                 qPrintable(r.describe()));
        QVERIFY(!QFileInfo::exists(out() + QStringLiteral("/big.bin")));
    }

    void diskFullAmongSeveral()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to mount a 1 MiB tmpfs");
        QVERIFY(mountTmpfs(out(), QStringLiteral("size=1m")));
        // The queue pauses a transfer that hit a full disk: for btstream that one failed (6),
        // the others go on.
        const RunResult r =
            get(out(), {QStringLiteral("-j"), QStringLiteral("1"), QStringLiteral("--retries"),
                        QStringLiteral("1"), url("/small.bin"), url("/big.bin")});
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("small.bin")});
        QCOMPARE(fileSha256Hex(out() + QStringLiteral("/small.bin")),
                 sha256Hex(makeTestData(10000, 6)));
        QVERIFY2(r.err.contains("1 of 2 saved, 1 failed: " + url("/big.bin").toLatin1()),
                 qPrintable(r.describe()));
    }

    void unwritableDestination()
    {
        if (::geteuid() == 0) {
            // Permissions do not stop root: a read-only file system does.
            QVERIFY(mountTmpfs(out(), QStringLiteral("ro,size=1m")));
        } else {
            QVERIFY(QFile::setPermissions(out(), QFile::ReadOwner | QFile::ExeOwner));
        }
        const RunResult r = get(out(), {url("/small.bin")});
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("btstream: error: "), qPrintable(r.describe()));
        QVERIFY(entries(out()).isEmpty());
    }

    void missingDestinationFolder()
    {
        // A -d folder that is not there yet is made, as wget -P and aria2c -d do.
        const RunResult r = get(out() + QStringLiteral("/does/not/exist"), {url("/small.bin")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(QFileInfo(out() + QStringLiteral("/does/not/exist/small.bin")).isFile());
    }

    void impossibleDestinationFolder()
    {
        // Under a regular file no folder can be made: a clear error, exit 6, nothing touched.
        const QString blocker = out() + QStringLiteral("/plain-file");
        {
            QFile f(blocker);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const RunResult r = get(blocker + QStringLiteral("/sub"), {url("/small.bin")});
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("btstream: error: cannot create the folder"),
                 qPrintable(r.describe()));
        QCOMPARE(entries(out()), QStringList{QStringLiteral("plain-file")});
    }

    void unusableStore()
    {
        // The data folder is a file: no database can live there.
        QFile blocker(data());
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.write("not a folder");
        blocker.close();
        const RunResult r = get(out(), {url("/small.bin")});
        QVERIFY2(r.exitCode == 7, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("btstream: error: "), qPrintable(r.describe()));
        QVERIFY(entries(out()).isEmpty());
    }

    void claimedSizeNotKeptReserved()
    {
        // Content-Length says 4 GiB, 1 KB comes, the connection closes: the failed download's
        // .part must not keep 4 GiB of the disk.
        const QByteArray head = makeTestData(1024, 9);
        claimFourGiB("/claim.bin", head, true);
        const RunResult r =
            get(out(), {QStringLiteral("--retries"), QStringLiteral("0"),
                        QStringLiteral("--connections"), QStringLiteral("1"), url("/claim.bin")});
        m_server.setHook({});
        QVERIFY2(r.finished && r.exitCode != 0, qPrintable(r.describe()));
        QVERIFY2(r.exitCode != 6, qPrintable(r.describe())); // a claim is not a disk-full
        const QByteArray part = QFile::encodeName(out() + QStringLiteral("/claim.bin.part"));
        struct stat st
        {
        };
        QVERIFY2(::stat(part.constData(), &st) == 0, qPrintable(r.describe()));
        QVERIFY2(qint64(st.st_blocks) * 512 < (1 << 20),
                 qPrintable(QString::number(qint64(st.st_blocks) * 512)));
        QVERIFY(st.st_size >= head.size()); // the kept bytes, for a resume
        QFile f(QString::fromLocal8Bit(part));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(head.size()), head);
    }

    void claimedSizeNotReservedAfterKill()
    {
        // The same claim, the 1 KB, then silence: btstream is killed with SIGKILL while it
        // waits, so nothing gives a reserve back. Only a plausible start of the claim (64 MiB)
        // may have been reserved, not 4 GiB.
        const QByteArray head = makeTestData(1024, 10);
        claimFourGiB("/claim-kill.bin", head, false); // then nothing, the connection open
        Btstream p(m_tmp->path());
        p.setArguments({QStringLiteral("get"), QStringLiteral("--data-dir"), data(),
                        QStringLiteral("-d"), out(), QStringLiteral("--connections"),
                        QStringLiteral("1"), url("/claim-kill.bin")});
        p.start();
        const QString part = out() + QStringLiteral("/claim-kill.bin.part");
        // Killed once the 1 KB is in the file, mid-download.
        const auto headOnDisk = [&] {
            QFile f(part);
            return f.open(QIODevice::ReadOnly) && f.read(head.size()) == head;
        };
        QTRY_VERIFY_WITH_TIMEOUT(headOnDisk(), 10000);
        QCOMPARE(p.state(), QProcess::Running);
        p.kill();
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        m_server.setHook({});
        struct stat st
        {
        };
        QVERIFY(::stat(QFile::encodeName(part).constData(), &st) == 0);
        QVERIFY2(qint64(st.st_blocks) * 512 <= (65 << 20),
                 qPrintable(QString::number(qint64(st.st_blocks) * 512)));
    }
};

QTEST_GUILESS_MAIN(TestCliDisk)
#include "tst_cli_disk.moc"

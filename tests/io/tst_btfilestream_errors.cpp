// Disk errors a person sees: not found, permission denied, disk full, failed rename.
#include "IoTestUtil.h"
#include "io/BTFileStream.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <unistd.h>

using namespace bt;
using namespace bt::test;

namespace {

bool run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(10000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestBTFileStreamErrors : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString file(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void notFound()
    {
        const QString path = file(QStringLiteral("no/such/dir/a.bin"));
        BTFileStream s;
        Error e;
        QVERIFY(!s.open(path, BTFileStream::Mode::Write, {}, &e));
        QCOMPARE(e.code, ErrorCode::NotFound);
        QVERIFY(e.message.contains(path));
        QCOMPARE(s.error().code, ErrorCode::NotFound);
        QVERIFY(!s.isOpen());
        QVERIFY(!s.write("x"));

        QVERIFY(!s.open(file(QStringLiteral("missing.bin")), BTFileStream::Mode::Read, {}, &e));
        QCOMPARE(e.code, ErrorCode::NotFound);
    }

    void parentIsAFile()
    {
        // ENOTDIR: fails for root too.
        const QString parent = file(QStringLiteral("plain"));
        QVERIFY(writeFile(parent, "x"));
        BTFileStream s;
        Error e;
        QVERIFY(!s.open(parent + QStringLiteral("/a.bin"), BTFileStream::Mode::Write, {}, &e));
        QCOMPARE(e.code, ErrorCode::NotFound);
    }

    void permissionDenied()
    {
        const QString dir = file(QStringLiteral("ro"));
        QVERIFY(QDir().mkpath(dir));
        bool mounted = false;
        if (::geteuid() == 0) {
            // Root ignores mode bits; a read-only mount stops it (EROFS).
            mounted = run(QStringLiteral("mount"),
                          {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                           QStringLiteral("ro,size=64k"), QStringLiteral("tmpfs"), dir});
            if (!mounted)
                QSKIP("running as root and cannot mount a read-only tmpfs");
        } else {
            QVERIFY(QFile::setPermissions(dir, QFile::ReadOwner | QFile::ExeOwner));
        }
        auto restore = qScopeGuard([&] {
            if (mounted)
                run(QStringLiteral("umount"), {dir});
            else
                QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        });
        BTFileStream s;
        Error e;
        const QString path = dir + QStringLiteral("/a.bin");
        QVERIFY(!s.open(path, BTFileStream::Mode::Write, {}, &e));
        QCOMPARE(e.code, ErrorCode::PermissionDenied);
        QVERIFY(e.message.contains(path));
        if (mounted)
            QVERIFY2(e.message.startsWith(QStringLiteral("Read-only file system")),
                     qPrintable(e.message));
    }

    // A read-only mount is not "Permission denied": no chmod would help. Still a permission
    // problem for the queue (it pauses the transfer).
    void readOnlyFileSystemMessage()
    {
        const QString path = QStringLiteral("/media/stick/a.bin");
        const Error ro = Error::fromErrno(EROFS, path);
        QCOMPARE(ro.code, ErrorCode::PermissionDenied);
        QCOMPARE(ro.message, QStringLiteral("Read-only file system: ") + path);
        const Error denied = Error::fromErrno(EACCES, path);
        QCOMPARE(denied.code, ErrorCode::PermissionDenied);
        QCOMPARE(denied.message, QStringLiteral("Permission denied: ") + path);
    }

    void diskFull()
    {
        if (::geteuid() != 0)
            QSKIP("disk-full test needs root to mount a 1 MiB tmpfs");
        const QString dir = file(QStringLiteral("small"));
        QVERIFY(QDir().mkpath(dir));
        if (!run(QStringLiteral("mount"),
                 {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                  QStringLiteral("size=1m"), QStringLiteral("tmpfs"), dir}))
            QSKIP("cannot mount a 1 MiB tmpfs (no CAP_SYS_ADMIN?)");
        auto unmount = qScopeGuard([&] { run(QStringLiteral("umount"), {dir}); });
        {
            const QString path = dir + QStringLiteral("/big.bin");
            BTFileStream::Options o;
            o.bufferSize = 256 * 1024;
            BTFileStream s;
            QSignalSpy errors(&s, &BTFileStream::errorOccurred);
            QVERIFY(s.open(path, BTFileStream::Mode::Write, o));
            const QByteArray data = randomBytes(4 << 20, 1);
            bool refused = false;
            for (qint64 off = 0; off < data.size(); off += 64 * 1024) {
                if (!s.write(data.mid(off, 64 * 1024))) {
                    refused = true;
                    break;
                }
            }
            QVERIFY(refused || !s.flush());
            QCOMPARE(s.error().code, ErrorCode::DiskFull);
            QVERIFY2(s.error().message.contains(s.tempPath()), qPrintable(s.error().message));
            QTRY_COMPARE(errors.count(), 1);
            QVERIFY(!s.publish());
            QVERIFY(!QFile::exists(path)); // never published under the final name
            QVERIFY(s.discard());
            QVERIFY(!QFile::exists(s.tempPath()));
        }
        {
            // Preallocating more than the disk holds fails at open().
            BTFileStream::Options o;
            o.preallocate = 4 << 20;
            BTFileStream s;
            Error e;
            QVERIFY(!s.open(dir + QStringLiteral("/pre.bin"), BTFileStream::Mode::Write, o, &e));
            QCOMPARE(e.code, ErrorCode::DiskFull);
            QVERIFY(!QFile::exists(dir + QStringLiteral("/pre.bin.part")));
        }
    }

    void renameFailureKeepsPart()
    {
        const QString path = file(QStringLiteral("taken"));
        QVERIFY(QDir().mkpath(path + QStringLiteral("/occupied"))); // a non-empty directory
        BTFileStream s;
        QVERIFY(s.open(path, BTFileStream::Mode::Write));
        QVERIFY(s.write("payload"));
        QSignalSpy finished(&s, &BTFileStream::finished);
        QVERIFY(!s.publish());
        QVERIFY(s.error().isError());
        QVERIFY(s.error().message.contains(path));
        QCOMPARE(finished.count(), 0);
        QCOMPARE(fileBytes(s.tempPath()), QByteArray("payload"));
    }
};

QTEST_GUILESS_MAIN(TestBTFileStreamErrors)
#include "tst_btfilestream_errors.moc"

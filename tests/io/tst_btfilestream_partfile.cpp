// The .part file under hostile folders: a name planted as a link, a folder or a FIFO is refused
// and what it points at stays as it was.
#include "IoTestUtil.h"
#include "io/BTFileStream.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace bt;
using namespace bt::test;

class TestBTFileStreamPartFile : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    static qint64 allocatedBytes(const QString &path)
    {
        struct stat st
        {
        };
        return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? qint64(st.st_blocks) * 512
                                                                     : -1;
    }
    QString dl(const QString &name) const { return m_tmp->filePath(QStringLiteral("dl/") + name); }
    QString outside(const QString &name) const
    {
        return m_tmp->filePath(QStringLiteral("outside/") + name);
    }
    const QByteArray m_secret = "the person's own file, not to be overwritten\n";

    // Opens dl/a.bin for writing and tries to write into it: must be refused up front.
    void expectRefused(bool truncate)
    {
        BTFileStream s;
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.truncate = truncate;
        o.preallocate = truncate ? 4096 : -1;
        Error e;
        QVERIFY(!s.open(dl(QStringLiteral("a.bin")), BTFileStream::Mode::Write, o, &e));
        QCOMPARE(e.code, ErrorCode::PermissionDenied);
        QVERIFY2(e.message.contains(QStringLiteral("Refusing to write")) &&
                     e.message.contains(dl(QStringLiteral("a.bin.part"))),
                 qPrintable(e.message));
        QVERIFY(!s.isOpen());
        QVERIFY(!s.write("overwritten"));
        QVERIFY(!s.publish());
        QVERIFY(!QFileInfo::exists(dl(QStringLiteral("a.bin"))));
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("dl")));
        QVERIFY(QDir(m_tmp->path()).mkpath(QStringLiteral("outside")));
        QVERIFY(writeFile(outside(QStringLiteral("target.bin")), m_secret));
    }
    void cleanup() { m_tmp.reset(); }

    void symlinkToOutsideFile_data()
    {
        QTest::addColumn<bool>("truncate");
        QTest::newRow("continue") << false;
        QTest::newRow("truncate") << true;
    }
    void symlinkToOutsideFile()
    {
        QFETCH(bool, truncate);
        QVERIFY(
            QFile::link(outside(QStringLiteral("target.bin")), dl(QStringLiteral("a.bin.part"))));
        expectRefused(truncate);
        QCOMPARE(fileBytes(outside(QStringLiteral("target.bin"))), m_secret);
        QVERIFY(QFileInfo(dl(QStringLiteral("a.bin.part"))).isSymLink());
    }

    void danglingSymlink()
    {
        const QString target = outside(QStringLiteral("new.bin"));
        QVERIFY(QFile::link(target, dl(QStringLiteral("a.bin.part"))));
        expectRefused(true);
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(QFileInfo(dl(QStringLiteral("a.bin.part"))).isSymLink());
    }

    void hardLink_data() { symlinkToOutsideFile_data(); }
    void hardLink()
    {
        QFETCH(bool, truncate);
        const QByteArray target = QFile::encodeName(outside(QStringLiteral("target.bin")));
        const QByteArray part = QFile::encodeName(dl(QStringLiteral("a.bin.part")));
        if (::link(target.constData(), part.constData()) != 0)
            QSKIP("cannot make a hard link here");
        expectRefused(truncate);
        QCOMPARE(fileBytes(outside(QStringLiteral("target.bin"))), m_secret);
    }

    void directoryNamedPart()
    {
        QVERIFY(QDir().mkpath(dl(QStringLiteral("a.bin.part"))));
        expectRefused(true);
        QVERIFY(QFileInfo(dl(QStringLiteral("a.bin.part"))).isDir());
    }

    void fifoNamedPart()
    {
        // Without a reader an open for writing would block forever.
        const QByteArray part = QFile::encodeName(dl(QStringLiteral("a.bin.part")));
        QCOMPARE(::mkfifo(part.constData(), 0600), 0);
        expectRefused(false);
    }

    void regularPartStillContinues()
    {
        QVERIFY(writeFile(dl(QStringLiteral("a.bin.part")), "abc"));
        BTFileStream s;
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        QVERIFY(s.open(dl(QStringLiteral("a.bin")), BTFileStream::Mode::Write, o));
        QCOMPARE(s.pos(), 3);
        QVERIFY(s.write("def"));
        QVERIFY(s.publish());
        QCOMPARE(fileBytes(dl(QStringLiteral("a.bin"))), QByteArray("abcdef"));
    }

    void publishReplacesSymlinkAtFinalName()
    {
        // rename(2) replaces the link itself: the file it pointed at keeps its bytes.
        QVERIFY(QFile::link(outside(QStringLiteral("target.bin")), dl(QStringLiteral("a.bin"))));
        BTFileStream s;
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.preallocate = 5;
        QVERIFY(s.open(dl(QStringLiteral("a.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(s.write("hello"));
        QVERIFY(s.publish());
        const QFileInfo info(dl(QStringLiteral("a.bin")));
        QVERIFY(!info.isSymLink());
        QVERIFY(info.isFile());
        QCOMPARE(fileBytes(dl(QStringLiteral("a.bin"))), QByteArray("hello"));
        QCOMPARE(fileBytes(outside(QStringLiteral("target.bin"))), m_secret);
    }

    void secondWriterRefused()
    {
        // flock belongs to the open file description: two opens in one process conflict too.
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        BTFileStream first;
        QVERIFY(first.open(dl(QStringLiteral("a.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(first.write("first "));
        QVERIFY(first.flush());

        BTFileStream second;
        Error e;
        o.truncate = true; // must not empty the first one's file either
        QVERIFY(!second.open(dl(QStringLiteral("a.bin")), BTFileStream::Mode::Write, o, &e));
        QCOMPARE(e.code, ErrorCode::InUse);
        QVERIFY2(e.message.contains(dl(QStringLiteral("a.bin.part")) +
                                    QStringLiteral(" is being written by another process")),
                 qPrintable(e.message));
        QVERIFY(!second.write("second"));

        QVERIFY(first.write("writer"));
        QVERIFY(first.publish());
        QCOMPARE(fileBytes(dl(QStringLiteral("a.bin"))), QByteArray("first writer"));

        // Released once the first one is done with it.
        BTFileStream third;
        QVERIFY(third.open(dl(QStringLiteral("b.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(third.close());
        BTFileStream fourth;
        QVERIFY(fourth.open(dl(QStringLiteral("b.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(fourth.discard());
        QVERIFY(!QFileInfo::exists(dl(QStringLiteral("b.bin.part"))));
    }

    void claimedSizeGivenBackOnClose()
    {
        // A server claimed 4 GiB and sent 1 KB: the .part keeps the KB, not the reserve.
        const QString path = dl(QStringLiteral("claim.bin"));
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.truncate = true;
        o.preallocate = qint64(4) << 30;
        Error e;
        if (!BTFileStream().open(path, BTFileStream::Mode::Write, o, &e) &&
            e.code == ErrorCode::DiskFull)
            QSKIP("no room for a 4 GiB reserve here");
        const QByteArray head = randomBytes(1024, 7);
        const QByteArray far = randomBytes(1000, 8);
        {
            BTFileStream s;
            QVERIFY(s.open(path, BTFileStream::Mode::Write, o));
            QVERIFY(allocatedBytes(s.tempPath()) >= o.preallocate / 2); // reserved indeed
            QVERIFY(s.write(head));
            QVERIFY(s.writeAt(qint64(1) << 30, far)); // a second segment's first bytes
            QVERIFY(s.close());
            QCOMPARE(s.size(), (qint64(1) << 30) + far.size());
        }
        const QString part = path + QStringLiteral(".part");
        QVERIFY2(allocatedBytes(part) < (1 << 20),
                 qPrintable(QString::number(allocatedBytes(part))));
        QCOMPARE(QFileInfo(part).size(), (qint64(1) << 30) + far.size());

        // Resume continues on the kept bytes.
        BTFileStream s;
        o.truncate = false;
        o.preallocate = -1;
        QVERIFY(s.open(path, BTFileStream::Mode::Write, o));
        QVERIFY(s.writeAt(head.size(), "tail"));
        QVERIFY(s.close());
        QFile f(part);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(head.size() + 4), head + "tail");
        QVERIFY(f.seek(qint64(1) << 30));
        QCOMPARE(f.readAll(), far);
    }

    void priorBytesKeptWithPreallocate()
    {
        // Bytes from before the open are not tracked: never punched away.
        QVERIFY(writeFile(dl(QStringLiteral("old.bin.part")), "earlier"));
        BTFileStream s;
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.preallocate = 1 << 20;
        QVERIFY(s.open(dl(QStringLiteral("old.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(s.close());
        QCOMPARE(fileBytes(dl(QStringLiteral("old.bin.part"))).left(7), QByteArray("earlier"));
    }

    void claimedSizeGoneOnDiscard()
    {
        BTFileStream s;
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.truncate = true;
        o.preallocate = qint64(64) << 20;
        QVERIFY(s.open(dl(QStringLiteral("gone.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(s.write("1 KB"));
        QVERIFY(s.discard());
        QVERIFY(!QFileInfo::exists(s.tempPath()));
    }
};

QTEST_GUILESS_MAIN(TestBTFileStreamPartFile)
#include "tst_btfilestream_partfile.moc"

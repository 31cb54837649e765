// BTFileStream: bytes on disk, hashes, publish, read mode, pause, progress.
#include "IoTestUtil.h"
#include "io/BTFileStream.h"
#include "io/FileWriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <random>

using namespace bt;
using namespace bt::test;

// The way a transfer drives a stream: on its own worker thread, event-driven, writing only
// while wantsMore() and continuing on drained().
class Producer : public QObject
{
    Q_OBJECT
public:
    QString path;
    QByteArray data;
    qint64 offset = 0;
    BTFileStream *stream = nullptr;
    std::atomic<bool> wrongThread{false};
    std::atomic<int> drainedCount{0};

    void checkThread()
    {
        if (QThread::currentThread() != thread())
            wrongThread = true;
    }

Q_SIGNALS:
    void done(bool ok, const QByteArray &sha256);

public Q_SLOTS:
    void start()
    {
        stream = new BTFileStream(this);
        connect(stream, &BTFileStream::drained, this, [this] {
            checkThread();
            ++drainedCount;
            pump();
        });
        connect(stream, &BTFileStream::progress, this, [this] { checkThread(); });
        connect(stream, &BTFileStream::finished, this, [this] { checkThread(); });
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.bufferSize = 64 * 1024;
        o.highWatermark = 256 * 1024;
        o.lowWatermark = 64 * 1024;
        if (!stream->open(path, BTFileStream::Mode::Write, o)) {
            Q_EMIT done(false, {});
            return;
        }
        pump();
    }
    void pump()
    {
        while (offset < data.size() && stream->wantsMore()) {
            stream->write(data.mid(offset, 16 * 1024));
            offset += 16 * 1024;
        }
        if (offset >= data.size() && stream->isOpen()) {
            const bool ok = stream->publish();
            Q_EMIT done(ok, stream->sha256());
        }
    }
};

class TestBTFileStream : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString file(const QString &name) const { return m_dir.filePath(name); }
    static BTFileStream::Options scratch()
    {
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        return o;
    }

private Q_SLOTS:
    void init() { FileWriter::clearTestHooks(); }
    void cleanup() { FileWriter::clearTestHooks(); }

    void roundTripRandomChunks()
    {
        const QByteArray data = randomBytes(50 << 20, 1);
        const QString path = file(QStringLiteral("round.bin"));
        BTFileStream s;
        QSignalSpy drained(&s, &BTFileStream::drained);
        QVERIFY(s.open(path, BTFileStream::Mode::Write, scratch()));
        QCOMPARE(s.tempPath(), path + QStringLiteral(".part"));
        QRandomGenerator rng(7);
        qint64 off = 0;
        while (off < data.size()) {
            while (!s.wantsMore())
                QVERIFY(drained.wait(10000));
            const qint64 n = std::min<qint64>(rng.bounded(1, 256 * 1024), data.size() - off);
            QVERIFY(s.write(data.mid(off, n)));
            off += n;
        }
        QCOMPARE(s.pos(), data.size());
        QCOMPARE(s.size(), data.size());
        QVERIFY(s.flush());
        QCOMPARE(s.bufferedBytes(), 0);
        QVERIFY(s.hashValid());
        const QByteArray expected = sha256Of(data);
        QCOMPARE(s.sha256(), expected);
        QVERIFY(s.publish());
        QCOMPARE(BTFileStream::hashFile(path, QCryptographicHash::Sha256), expected);
        QCOMPARE(fileBytes(path), data);
    }

    void segmentsOutOfOrder()
    {
        const QByteArray data = randomBytes(16 << 20, 2);
        const QString path = file(QStringLiteral("segments.bin"));
        BTFileStream::Options o = scratch();
        o.preallocate = data.size();
        BTFileStream s;
        QVERIFY(s.open(path, BTFileStream::Mode::Write, o));
        QCOMPARE(s.size(), data.size()); // preallocated

        // 8 segments, interleaved in random-sized pieces, in a shuffled order.
        struct Seg
        {
            qint64 next, end;
        };
        std::vector<Seg> segs;
        for (int i = 0; i < 8; ++i)
            segs.push_back({data.size() / 8 * i, data.size() / 8 * (i + 1)});
        std::mt19937 rng(3);
        std::vector<int> live(8);
        std::iota(live.begin(), live.end(), 0);
        while (!live.empty()) {
            const int pick = int(rng() % live.size());
            Seg &seg = segs[size_t(live[size_t(pick)])];
            const qint64 n = std::min<qint64>(1 + rng() % (300 * 1024), seg.end - seg.next);
            QVERIFY(s.writeAt(seg.next, data.mid(seg.next, n)));
            seg.next += n;
            if (seg.next == seg.end)
                live.erase(live.begin() + pick);
        }
        QVERIFY(!s.hashValid());
        QVERIFY(s.sha256().isEmpty());
        QVERIFY(s.close());
        const QByteArray expected = sha256Of(data);
        QCOMPARE(BTFileStream::hashFile(s.tempPath(), QCryptographicHash::Sha256), expected);
        QCOMPARE(BTFileStream::hashFile(s.tempPath(), QCryptographicHash::Md5),
                 QCryptographicHash::hash(data, QCryptographicHash::Md5));
    }

    void coalescesSmallWrites()
    {
        std::atomic<int> calls{0};
        FileWriter::TestHooks hooks;
        hooks.pwrite = [&calls](int fd, const void *buf, size_t n, off_t off) {
            ++calls;
            return ::pwrite(fd, buf, n, off);
        };
        FileWriter::setTestHooks(hooks);
        const QByteArray data = randomBytes(8 << 20, 4);
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("small.bin")), BTFileStream::Mode::Write, scratch()));
        for (qint64 off = 0; off < data.size(); off += 4096)
            QVERIFY(s.write(data.mid(off, 4096)));
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), data);
        // 2048 network-sized chunks become about 8 disk writes of 1 MiB (slack for a busy box).
        qInfo("%d pwrite calls for %lld bytes", calls.load(), qint64(data.size()));
        QVERIFY2(calls.load() <= 64, qPrintable(QString::number(calls.load())));
    }

    void coalescesInterleavedSegments()
    {
        std::atomic<int> calls{0};
        FileWriter::TestHooks hooks;
        hooks.pwrite = [&calls](int fd, const void *buf, size_t n, off_t off) {
            ++calls;
            return ::pwrite(fd, buf, n, off);
        };
        FileWriter::setTestHooks(hooks);
        const QByteArray data = randomBytes(8 << 20, 15);
        BTFileStream s;
        QVERIFY(
            s.open(file(QStringLiteral("interleaved.bin")), BTFileStream::Mode::Write, scratch()));
        // 4 segments, 16 KiB chunks arriving round-robin as from 4 connections.
        const qint64 seg = data.size() / 4;
        for (qint64 off = 0; off < seg; off += 16 * 1024) {
            for (int i = 0; i < 4; ++i)
                QVERIFY(s.writeAt(i * seg + off, data.mid(i * seg + off, 16 * 1024)));
        }
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), data);
        qInfo("%d pwrite calls for %lld bytes", calls.load(), qint64(data.size()));
        QVERIFY2(calls.load() <= 64, qPrintable(QString::number(calls.load())));
    }

    void laterOverlappingWriteWins()
    {
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("overlap.bin")), BTFileStream::Mode::Write, scratch()));
        s.pause(); // keep everything queued so that coalescing could reorder it
        QVERIFY(s.writeAt(0, "aaaa"));
        QVERIFY(s.writeAt(2, "bbbb")); // overlaps the first
        QVERIFY(s.writeAt(4, "cc"));   // contiguous with the first, but newer than "bbbb"
        QVERIFY(s.writeAt(8, "dd"));
        QVERIFY(s.writeAt(6, "ee")); // contiguous with "cc", before "dd"
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), QByteArray("aabbccee"
                                                     "dd"));
    }

    void continuesExistingPart()
    {
        const QString path = file(QStringLiteral("resume.bin"));
        const QByteArray head = randomBytes(1000, 5), tail = randomBytes(3000, 6);
        QVERIFY(writeFile(path + QStringLiteral(".part"), head));
        BTFileStream s;
        QVERIFY(s.open(path, BTFileStream::Mode::Write, scratch()));
        QCOMPARE(s.pos(), head.size());
        QCOMPARE(s.size(), head.size());
        QVERIFY(s.write(tail));
        QVERIFY(!s.hashValid()); // the file had prior content
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), head + tail);

        BTFileStream::Options o = scratch();
        o.truncate = true;
        QVERIFY(s.open(path, BTFileStream::Mode::Write, o));
        QCOMPARE(s.size(), 0);
        QVERIFY(s.write(tail));
        QVERIFY(s.hashValid());
        QCOMPARE(s.sha256(), sha256Of(tail));
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), tail);
    }

    void seekInWriteMode()
    {
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("seek.txt")), BTFileStream::Mode::Write, scratch()));
        QVERIFY(s.write("hello world"));
        QVERIFY(s.hashValid());
        QVERIFY(s.seek(0));
        QVERIFY(s.write("J"));
        QCOMPARE(s.pos(), 1);
        QVERIFY(!s.hashValid());
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), QByteArray("Jello world"));
    }

    void atomicPublish()
    {
        const QString path = file(QStringLiteral("atomic.bin"));
        const QString part = path + QStringLiteral(".part");
        const QByteArray data = randomBytes(3 << 20, 8);
        {
            // A kill before publish: only the .part exists, the final name never appears.
            BTFileStream s;
            QVERIFY(s.open(path, BTFileStream::Mode::Write));
            QVERIFY(s.write(data.left(1 << 20)));
            QVERIFY(s.sync());
            QVERIFY(QFile::exists(part));
            QVERIFY(!QFile::exists(path));
        } // destructor: closes without publishing
        QVERIFY(QFile::exists(part));
        QVERIFY(!QFile::exists(path));
        QCOMPARE(fileBytes(part), data.left(1 << 20));

        BTFileStream s;
        QSignalSpy finished(&s, &BTFileStream::finished);
        QVERIFY(s.open(path, BTFileStream::Mode::Write));
        QVERIFY(s.write(data.mid(1 << 20)));
        QVERIFY(!QFile::exists(path));
        QVERIFY(s.publish());
        QCOMPARE(finished.count(), 1);
        QVERIFY(!s.isOpen());
        QVERIFY(!QFile::exists(part));
        QCOMPARE(BTFileStream::hashFile(path, QCryptographicHash::Sha256), sha256Of(data));
    }

    void publishInBackground()
    {
        const QString path = file(QStringLiteral("background.bin"));
        const QString part = path + QStringLiteral(".part");
        const QByteArray data = randomBytes(3 << 20, 11);
        BTFileStream s;
        QSignalSpy finished(&s, &BTFileStream::finished);
        QVERIFY(s.open(path, BTFileStream::Mode::Write));
        QVERIFY(s.write(data));
        int calls = 0;
        bool result = false;
        QVERIFY(s.publishInBackground([&](bool ok) {
            ++calls;
            result = ok;
        }));
        // Closed at once, answered on a later turn of this thread.
        QVERIFY(!s.isOpen());
        QCOMPARE(calls, 0);
        QVERIFY(s.close());
        QVERIFY(finished.wait(5000));
        QCOMPARE(calls, 1);
        QVERIFY(result);
        QVERIFY(!QFile::exists(part));
        QCOMPARE(BTFileStream::hashFile(path, QCryptographicHash::Sha256), sha256Of(data));
    }

    void publishInBackgroundFailureKeepsPart()
    {
        // The final name is a folder: the rename fails, the .part stays, the error says why.
        const QString path = file(QStringLiteral("taken"));
        QVERIFY(QDir().mkpath(path + QStringLiteral("/inside")));
        BTFileStream s;
        QSignalSpy errors(&s, &BTFileStream::errorOccurred);
        QVERIFY(s.open(path, BTFileStream::Mode::Write));
        QVERIFY(s.write(randomBytes(1000, 12)));
        bool answered = false;
        bool result = true;
        QVERIFY(s.publishInBackground([&](bool ok) {
            answered = true;
            result = ok;
        }));
        QVERIFY(errors.wait(5000));
        QVERIFY(answered);
        QVERIFY(!result);
        QCOMPARE(errors.count(), 1);
        QVERIFY(s.error().isError());
        QCOMPARE(QFileInfo(s.tempPath()).size(), 1000);
        QVERIFY(QFileInfo(path).isDir());
    }

    void publishInBackgroundAfterTheStreamIsGone()
    {
        const QString path = file(QStringLiteral("orphan.bin"));
        bool answered = false;
        {
            BTFileStream s;
            QVERIFY(s.open(path, BTFileStream::Mode::Write));
            QVERIFY(s.write(randomBytes(1 << 20, 13)));
            QVERIFY(s.publishInBackground([&](bool) { answered = true; }));
        } // gone before the disk thread is done: the file is still published, no call back
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 5000);
        QCoreApplication::processEvents();
        QVERIFY(!answered);
        QCOMPARE(QFileInfo(path).size(), qint64(1 << 20));
    }

    void syncAlways()
    {
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::Always;
        o.bufferSize = 256 * 1024;
        const QByteArray data = randomBytes(2 << 20, 9);
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("always.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(s.write(data));
        QVERIFY(s.sync());
        QVERIFY(s.publish());
        QCOMPARE(fileBytes(s.path()), data);
    }

    void discardRemovesPart()
    {
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("gone.bin")), BTFileStream::Mode::Write, scratch()));
        QVERIFY(s.write(randomBytes(100000, 10)));
        QVERIFY(s.discard());
        QVERIFY(!s.isOpen());
        QVERIFY(!QFile::exists(s.tempPath()));
        QVERIFY(!QFile::exists(s.path()));
    }

    void readMode()
    {
        const QString path = file(QStringLiteral("read.bin"));
        const QByteArray data = randomBytes((3 << 20) + 17, 11);
        QVERIFY(writeFile(path, data));
        BTFileStream::Options o;
        o.bufferSize = 64 * 1024;
        BTFileStream s;
        QVERIFY(s.open(path, BTFileStream::Mode::Read, o));
        QCOMPARE(s.size(), data.size());
        QByteArray all;
        int reads = 0;
        for (;;) {
            const QByteArray chunk = s.read(10000);
            if (chunk.isEmpty())
                break;
            QVERIFY(chunk.size() <= 10000);
            all += chunk;
            ++reads;
        }
        QVERIFY(!s.error().isError());
        QVERIFY(s.atEnd());
        QCOMPARE(all, data);
        QCOMPARE(s.pos(), data.size());
        QVERIFY(s.seek(100));
        QCOMPARE(s.read(5), data.mid(100, 5));
        QCOMPARE(s.pos(), 105);
        // A short read returns what is buffered; then a request larger than the buffer.
        QByteArray big = s.read(1 << 20);
        QVERIFY(!big.isEmpty());
        big += s.read((1 << 20) - big.size());
        QCOMPARE(big, data.mid(105, 1 << 20));
        QVERIFY(s.close());
    }

    void readIntoCallerBuffer()
    {
        // Upload bodies read straight into the sender's buffer; mixed with the chunk reads,
        // the bytes still come in order, once each.
        const QString path = file(QStringLiteral("readinto.bin"));
        const QByteArray data = randomBytes((2 << 20) + 333, 12);
        QVERIFY(writeFile(path, data));
        BTFileStream::Options o;
        o.bufferSize = 64 * 1024;
        BTFileStream s;
        QVERIFY(s.open(path, BTFileStream::Mode::Read, o));
        QByteArray all = s.read(1000); // leaves 63 KiB buffered
        QByteArray buffer(1 << 20, '\0');
        for (;;) {
            const qint64 n = s.read(buffer.data(), buffer.size());
            QVERIFY(n >= 0);
            if (n == 0)
                break;
            all += buffer.left(n);
        }
        QCOMPARE(all.size(), data.size());
        QVERIFY(all == data);
        QCOMPARE(s.pos(), data.size());
        QVERIFY(s.atEnd());
        QVERIFY(s.seek(data.size() - 10));
        QCOMPARE(s.read(buffer.data(), buffer.size()), 10);
        QCOMPARE(buffer.left(10), data.right(10));
        QCOMPARE(s.read(buffer.data(), buffer.size()), 0);
        QVERIFY(s.close());
        QCOMPARE(s.read(buffer.data(), 1), 0); // closed: nothing, no crash
    }

    void pauseAndResume()
    {
        BTFileStream::Options o = scratch();
        o.bufferSize = 64 * 1024;
        o.highWatermark = 1 << 20;
        o.lowWatermark = 256 * 1024;
        BTFileStream s;
        QSignalSpy drained(&s, &BTFileStream::drained);
        QVERIFY(s.open(file(QStringLiteral("pause.bin")), BTFileStream::Mode::Write, o));
        s.pause();
        QVERIFY(s.isPaused());
        QVERIFY(!s.wantsMore());
        const QByteArray data = randomBytes(512 * 1024, 12);
        QVERIFY(s.write(data));
        // Absence check: nothing may reach the disk while paused.
        QTest::qWait(150);
        QCOMPARE(s.bufferedBytes(), data.size());
        QCOMPARE(QFileInfo(s.tempPath()).size(), 0);
        s.resume();
        QVERIFY(drained.count() > 0 || drained.wait(5000));
        QTRY_COMPARE(s.bufferedBytes(), 0);
        QVERIFY(s.wantsMore());
        // flush() overrides a pause so that close() never hangs.
        s.pause();
        QVERIFY(s.write(data));
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), data + data);
    }

    void progressIsBatched()
    {
        FileWriter::TestHooks hooks;
        hooks.delay = std::chrono::milliseconds(8); // ~1.1 s for 128 writes
        FileWriter::setTestHooks(hooks);
        BTFileStream::Options o = scratch();
        o.bufferSize = 64 * 1024;
        const QByteArray data = randomBytes(8 << 20, 13);
        BTFileStream s;
        s.setExpectedSize(data.size());
        QSignalSpy progress(&s, &BTFileStream::progress);
        QVERIFY(s.open(file(QStringLiteral("progress.bin")), BTFileStream::Mode::Write, o));
        QElapsedTimer t;
        t.start();
        for (qint64 off = 0; off < data.size(); off += 16 * 1024)
            QVERIFY(s.write(data.mid(off, 16 * 1024)));
        QTRY_VERIFY_WITH_TIMEOUT(
            !progress.isEmpty() && progress.last().at(0).toLongLong() == data.size(), 10000);
        const qint64 ms = t.elapsed();
        QCOMPARE(progress.last().at(1).toLongLong(), data.size());
        // About 4 a second, never one per write (512 writes here).
        QVERIFY2(progress.count() <= ms / 250 + 2,
                 qPrintable(QStringLiteral("%1 signals in %2 ms").arg(progress.count()).arg(ms)));
        for (int i = 1; i < progress.count(); ++i)
            QVERIFY(progress.at(i).at(0).toLongLong() > progress.at(i - 1).at(0).toLongLong());
        QVERIFY(s.close());
    }

    void workerThreadEventDriven()
    {
        FileWriter::TestHooks hooks;
        hooks.delay = std::chrono::microseconds(500); // make the disk the bottleneck
        FileWriter::setTestHooks(hooks);
        QThread worker;
        worker.start();
        auto *p = new Producer;
        p->path = file(QStringLiteral("threaded.bin"));
        p->data = randomBytes(6 << 20, 14);
        p->moveToThread(&worker);
        // Not a QSignalSpy: it would record on the worker thread, racing with this one.
        bool finished = false, ok = false;
        QByteArray hash;
        connect(p, &Producer::done, this, [&](bool success, const QByteArray &sha256) {
            finished = true;
            ok = success;
            hash = sha256;
        });
        QMetaObject::invokeMethod(p, &Producer::start, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
        QVERIFY(ok);
        QCOMPARE(hash, sha256Of(p->data));
        QCOMPARE(fileBytes(p->path), p->data);
        QVERIFY(p->drainedCount > 0);
        QVERIFY(!p->wrongThread);
        QMetaObject::invokeMethod(
            p, [p] { delete p; }, Qt::BlockingQueuedConnection);
        worker.quit();
        worker.wait();
    }

    void hashFileMissing()
    {
        Error e;
        QVERIFY(BTFileStream::hashFile(file(QStringLiteral("nope")), QCryptographicHash::Sha256, &e)
                    .isEmpty());
        QCOMPARE(e.code, ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestBTFileStream)
#include "tst_btfilestream.moc"

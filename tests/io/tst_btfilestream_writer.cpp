// The writer thread: short writes, EINTR, backpressure bounds, sticky errors.
#include "IoTestUtil.h"
#include "io/BTFileStream.h"
#include "io/FileWriter.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

using namespace bt;
using namespace bt::test;

namespace {

// A pwrite that writes at most 7 bytes and fails every third call with EINTR.
struct StingyPwrite
{
    std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
    ssize_t operator()(int fd, const void *buf, size_t n, off_t off) const
    {
        if (++*calls % 3 == 0) {
            errno = EINTR;
            return -1;
        }
        return ::pwrite(fd, buf, std::min<size_t>(n, 7), off);
    }
};

} // namespace

class TestFileWriter : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString file(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void cleanup() { FileWriter::clearTestHooks(); }

    void writeFullyCompletesShortWrites()
    {
        const QString path = file(QStringLiteral("short.bin"));
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT, 0644);
        QVERIFY(fd >= 0);
        const QByteArray data = randomBytes(100000, 1);
        StingyPwrite fn;
        QCOMPARE(writeFully(fd, data.constData(), data.size(), 10, fn), 0);
        ::close(fd);
        QVERIFY(*fn.calls > data.size() / 7); // it really took many short writes
        QCOMPARE(fileBytes(path), QByteArray(10, '\0') + data);
    }

    void writeFullyReportsErrorsAndNoProgress()
    {
        PwriteFunction full = [](int, const void *, size_t, off_t) -> ssize_t {
            errno = ENOSPC;
            return -1;
        };
        char byte = 'x';
        QCOMPARE(writeFully(-1, &byte, 1, 0, full), ENOSPC);
        PwriteFunction zero = [](int, const void *, size_t, off_t) -> ssize_t { return 0; };
        QCOMPARE(writeFully(-1, &byte, 1, 0, zero), EIO); // no endless loop
    }

    void streamCompletesShortWrites()
    {
        StingyPwrite fn;
        FileWriter::TestHooks hooks;
        hooks.pwrite = fn;
        FileWriter::setTestHooks(hooks);
        const QByteArray data = randomBytes(300000, 2);
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("stream-short.bin")), BTFileStream::Mode::Write, o));
        for (qint64 off = 0; off < data.size(); off += 1000)
            QVERIFY(s.write(data.mid(off, 1000)));
        QVERIFY(s.publish());
        QVERIFY(*fn.calls > data.size() / 7);
        QCOMPARE(fileBytes(s.path()), data);
    }

    void backpressureBound()
    {
        FileWriter::TestHooks hooks;
        hooks.delay = std::chrono::milliseconds(2); // a slow disk
        FileWriter::setTestHooks(hooks);
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.bufferSize = 64 * 1024;
        o.highWatermark = 512 * 1024;
        o.lowWatermark = 128 * 1024;
        const QByteArray data = randomBytes(8 << 20, 3);
        BTFileStream s;
        QSignalSpy drained(&s, &BTFileStream::drained);
        QVERIFY(s.open(file(QStringLiteral("slow.bin")), BTFileStream::Mode::Write, o));
        qint64 maxBuffered = 0;
        int stalls = 0;
        for (qint64 off = 0; off < data.size(); off += 16 * 1024) {
            if (!s.wantsMore()) {
                ++stalls;
                while (!s.wantsMore())
                    QVERIFY(drained.wait(10000));
                QVERIFY(s.bufferedBytes() < o.highWatermark);
            }
            QVERIFY(s.write(data.mid(off, 16 * 1024)));
            maxBuffered = std::max(maxBuffered, s.bufferedBytes());
            QVERIFY2(s.bufferedBytes() <= o.highWatermark + o.bufferSize,
                     qPrintable(QString::number(s.bufferedBytes())));
        }
        QVERIFY(stalls > 0);
        QVERIFY(drained.count() > 0);
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), data);
        qInfo("max buffered %lld bytes, %d stalls", maxBuffered, stalls);
    }

    void boundHoldsForAProducerIgnoringWantsMore()
    {
        FileWriter::TestHooks hooks;
        hooks.delay = std::chrono::milliseconds(1);
        FileWriter::setTestHooks(hooks);
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.bufferSize = 64 * 1024;
        o.highWatermark = 256 * 1024;
        o.lowWatermark = 64 * 1024;
        const QByteArray data = randomBytes(4 << 20, 4);
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("greedy.bin")), BTFileStream::Mode::Write, o));
        const qint64 chunk = 100 * 1024;
        for (qint64 off = 0; off < data.size(); off += chunk) {
            QVERIFY(s.write(data.mid(off, chunk))); // blocks while the queue is full
            QVERIFY(s.bufferedBytes() <= o.highWatermark + chunk);
        }
        QVERIFY(s.close());
        QCOMPARE(fileBytes(s.tempPath()), data);
    }

    void throughput_data()
    {
        QTest::addColumn<bool>("hash");
        QTest::newRow("sha256") << true;
        QTest::newRow("no-hash") << false;
    }

    // Manual: BT_IO_BENCH=<MiB> [BT_IO_BENCH_DIR=/dev/shm] tst_btfilestream_writer throughput
    void throughput()
    {
        const qint64 mib = qEnvironmentVariableIntValue("BT_IO_BENCH");
        if (mib <= 0)
            QSKIP("set BT_IO_BENCH=<MiB> to measure write throughput");
        QFETCH(bool, hash);
        const QByteArray chunk = randomBytes(64 * 1024, 9);
        const QString where =
            qEnvironmentVariable("BT_IO_BENCH_DIR", QStringLiteral(BT_BINARY_DIR));
        QTemporaryDir dir(where + QStringLiteral("/io-bench-XXXXXX"));
        BTFileStream::Options o;
        o.hash = hash;
        o.sync = BTFileStream::SyncPolicy::None; // the pipeline, not the disk's writeback
        BTFileStream s;
        QSignalSpy drained(&s, &BTFileStream::drained);
        QVERIFY(s.open(dir.filePath(QStringLiteral("bench.bin")), BTFileStream::Mode::Write, o));
        QElapsedTimer t;
        t.start();
        for (qint64 written = 0; written < (mib << 20); written += chunk.size()) {
            while (!s.wantsMore())
                QVERIFY(drained.wait(10000));
            QVERIFY(s.write(chunk));
        }
        QVERIFY(s.publish()); // includes fsync
        const double secs = t.nsecsElapsed() / 1e9;
        QVERIFY(!hash || s.hashValid());
        qInfo("%lld MiB in %.2f s = %.0f MB/s (hash %s, page cache, no fsync)", mib, secs,
              (mib << 20) / secs / 1e6, hash ? "on" : "off");
    }

    void syncInBackgroundCoversQueuedBytes()
    {
        // The disk is held until released: the sync must wait for the bytes queued before it,
        // a second one is refused meanwhile, and writing goes on while it waits.
        auto gate = std::make_shared<std::atomic<bool>>(false);
        FileWriter::TestHooks hooks;
        hooks.pwrite = [gate](int fd, const void *buf, size_t n, off_t off) -> ssize_t {
            while (!gate->load())
                std::this_thread::yield();
            return ::pwrite(fd, buf, n, off);
        };
        FileWriter::setTestHooks(hooks);
        BTFileStream::Options o;
        o.bufferSize = 64 * 1024;
        const QByteArray data = randomBytes(512 * 1024, 11);
        BTFileStream s;
        QVERIFY(s.open(file(QStringLiteral("bgsync.bin")), BTFileStream::Mode::Write, o));
        QVERIFY(s.write(data.left(256 * 1024)));
        int calls = 0;
        bool okSeen = false;
        QByteArray onDisk;
        QVERIFY(s.syncInBackground([&](bool ok) {
            ++calls;
            okSeen = ok;
            onDisk = fileBytes(s.tempPath()); // on this (the owner's) thread
        }));
        QVERIFY(!s.syncInBackground([](bool) {})); // the first one is still waiting
        QVERIFY(s.write(data.mid(256 * 1024)));    // not blocked by the sync
        gate->store(true);
        QTRY_COMPARE(calls, 1);
        QVERIFY(okSeen);
        QVERIFY(onDisk.size() >= 256 * 1024);
        QCOMPARE(onDisk.left(256 * 1024), data.left(256 * 1024));
        QVERIFY(s.syncInBackground([&](bool ok) { calls += ok ? 1 : 100; }));
        QVERIFY(s.publish()); // finishes the pending one first; its call is still delivered
        QTRY_COMPARE(calls, 2);
        QCOMPARE(fileBytes(s.path()), data);
    }

    void syncInBackgroundReportsErrors()
    {
        // fdatasync on a pipe fails (EINVAL): the error is reported and sticky.
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        std::atomic<int> reported{0};
        std::atomic<bool> doneOk{true};
        std::atomic<int> doneCalls{0};
        {
            FileWriter::Config config;
            config.fd = fds[1];
            config.displayPath = QStringLiteral("pipe");
            config.onError = [&reported](const Error &) { ++reported; };
            FileWriter w(config);
            QVERIFY(w.syncInBackground([&](const Error &e) {
                doneOk = !e.isError();
                ++doneCalls;
            }));
            QTRY_COMPARE(doneCalls.load(), 1);
            QVERIFY(!doneOk);
            QVERIFY(w.error().isError());
            QVERIFY(!w.syncInBackground([](const Error &) {}));
            QVERIFY(!w.enqueue(0, "x", false));
        }
        QCOMPARE(reported.load(), 1);
        ::close(fds[0]);
        ::close(fds[1]);
    }

    void stickyErrorOnOwnerThread()
    {
        std::atomic<int> calls{0};
        FileWriter::TestHooks hooks;
        hooks.pwrite = [&calls](int fd, const void *buf, size_t n, off_t off) -> ssize_t {
            if (++calls > 2) {
                errno = ENOSPC;
                return -1;
            }
            return ::pwrite(fd, buf, n, off);
        };
        FileWriter::setTestHooks(hooks);
        BTFileStream::Options o;
        o.sync = BTFileStream::SyncPolicy::None;
        o.bufferSize = 64 * 1024;
        BTFileStream s;
        QThread *signalThread = nullptr;
        connect(&s, &BTFileStream::errorOccurred, this,
                [&signalThread] { signalThread = QThread::currentThread(); });
        QSignalSpy errors(&s, &BTFileStream::errorOccurred);
        QVERIFY(s.open(file(QStringLiteral("sticky.bin")), BTFileStream::Mode::Write, o));
        const QByteArray data = randomBytes(1 << 20, 5);
        for (qint64 off = 0; off < data.size(); off += o.bufferSize)
            s.write(data.mid(off, o.bufferSize)); // may already refuse: the error is sticky
        QVERIFY(!s.flush());
        QCOMPARE(s.error().code, ErrorCode::DiskFull);
        QVERIFY(s.error().message.contains(s.tempPath()));
        QVERIFY(!s.write("more"));
        QVERIFY(!s.wantsMore());
        QCOMPARE(s.bufferedBytes(), 0);
        QTRY_COMPARE(errors.count(), 1);
        QCOMPARE(errors.first().first().value<bt::Error>().code, ErrorCode::DiskFull);
        QCOMPARE(signalThread, QThread::currentThread()); // the stream's own thread
        QVERIFY(!s.publish());
        QVERIFY(!QFile::exists(s.path()));
        QVERIFY(!s.close());
    }
};

QTEST_GUILESS_MAIN(TestFileWriter)
#include "tst_btfilestream_writer.moc"

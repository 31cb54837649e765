// The thread budget (issue #11): 20 downloads running at once with 16 connections each, through
// the queue and the real engine, against a throttled FaultServer, and the process never has
// more than 12 threads of its own (the test's watchdog and the server's thread not counted).
// A thread per file, per connection or per verification would show up here at once.
#include "FaultServer.h"
#include "QueueWait.h"
#include "queue/QueueManager.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace bt;
using namespace bt::queuetest;
using namespace bt::test;

namespace {
// The names of this process's threads.
QStringList threadNames()
{
    QStringList names;
    QDirIterator it(QStringLiteral("/proc/self/task"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        QFile comm(it.next() + QStringLiteral("/comm"));
        if (comm.open(QIODevice::ReadOnly))
            names.append(QString::fromUtf8(comm.readAll().trimmed()));
    }
    return names;
}
} // namespace

class TestThreadBudget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void twentyTransfersSixteenConnections()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("out"));
        QVERIFY(QDir().mkpath(out));
        FaultServer server;
        QVERIFY(server.listenInThread());
        constexpr int kTransfers = 20;
        constexpr int kConnections = 16;
        // 16 MiB each at 256 KiB/s a connection: a minute or more to finish, so all of them
        // are running with all their connections when the threads are counted.
        for (int i = 0; i < kTransfers; ++i) {
            FaultServer::Resource res;
            res.body = makeTestData(16 << 20, quint32(100 + i));
            res.bytesPerSecond = 256 << 10;
            server.setResource("/f" + QByteArray::number(i), res);
        }
        QueueManager queue;
        queue.setMaxActive(kTransfers);
        queue.setMaxPerHost(kTransfers);
        Error error;
        QVERIFY2(openQueue(queue, dir.filePath(QStringLiteral("data")), &error),
                 qPrintable(error.message));
        for (int i = 0; i < kTransfers; ++i) {
            DownloadRequest r;
            r.url = QUrl(QString::fromLatin1(server.url("/f" + QByteArray::number(i))));
            r.directory = out;
            r.connections = kConnections;
            r.minSegmentSize = 256 << 10;
            QVERIFY(queue.enqueue(r) > 0);
        }
        // Until every transfer runs all its connections; the peak thread count on the way.
        QHash<qint64, int> connections;
        int peak = 0;
        QStringList atPeak;
        const auto allConnected = [&] {
            int full = 0;
            for (int c : std::as_const(connections))
                full += c >= kConnections ? 1 : 0;
            return full == kTransfers;
        };
        connect(&queue, &QueueManager::snapshotsChanged, this,
                [&](const QList<TransferSnapshot> &changed) {
                    for (const TransferSnapshot &s : changed)
                        connections[s.id] = s.progress.connections;
                    const QStringList names = threadNames();
                    if (names.size() > peak) {
                        peak = int(names.size());
                        atPeak = names;
                    }
                });
        QTRY_VERIFY_WITH_TIMEOUT(allConnected(), 30000);
        // Not ours: the test's watchdog and the FaultServer's thread.
        const int ours = peak - 2;
        qInfo("threads at the peak: %d of ours (%s)", ours, qPrintable(atPeak.join(u' ')));
        QVERIFY2(ours <= 12, qPrintable(atPeak.join(u' ')));
        queue.pauseAll();
        QVERIFY(shutDownQueue(queue));
    }
};

QTEST_GUILESS_MAIN(TestThreadBudget)
#include "tst_threadbudget.moc"

// bench/queue: the cost of a big queue. Stores 10,000 transfers, then prints the time to
// load them into a QueueManager, the memory it holds (VmRSS), and the cost of one progress
// tick with 20 active (fake) jobs. A benchmark, not a test: it prints, it does not judge.
//
//   bench_queue [count=10000] [active=20]
#include "FakeJob.h"
#include "QueueWait.h"
#include "queue/QueueManager.h"
#include "store/TransferStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <cstdio>

using namespace bt;

namespace {
qint64 vmRssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

void drain(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? atoi(argv[1]) : 10000;
    const int active = argc > 2 ? atoi(argv[2]) : 20;
    QTemporaryDir dir;
    const QString dataDir = dir.filePath(QStringLiteral("data"));

    QElapsedTimer t;
    {
        TransferStore store;
        Error error;
        if (!store.open(dataDir, &error)) {
            std::fprintf(stderr, "store: %s\n", qPrintable(error.message));
            return 1;
        }
        t.start();
        store.beginBatch();
        for (int i = 0; i < count; ++i) {
            TransferRecord r;
            r.url =
                QUrl(QStringLiteral("https://host%1.example/files/file-%2.iso").arg(i % 50).arg(i));
            r.directory = QStringLiteral("/home/user/Downloads");
            r.destination = QStringLiteral("/home/user/Downloads/file-%1.iso").arg(i);
            r.state = i % 3 == 0 ? TransferState::Completed : TransferState::Queued;
            r.totalSize = 700LL * 1024 * 1024;
            r.doneSize = r.state == TransferState::Completed ? r.totalSize : 0;
            r.position = i + 1;
            store.insert(r);
        }
        store.commitBatch();
        std::printf("insert %d transfers (one transaction): %lld ms\n", count, qint64(t.elapsed()));
    }

    const qint64 rssBefore = vmRssKb();
    queuetest::FakeJobs jobs;
    QueueManager queue;
    queue.setJobFactory(jobs.factory());
    queue.setMaxActive(active);
    queue.setMaxPerHost(0);
    QueueManager::Options options;
    options.threads = 2;
    options.progressIntervalMs = 1000000; // ticks are driven by hand below
    t.restart();
    Error error;
    if (!queuetest::openQueue(queue, dataDir, options, &error)) {
        std::fprintf(stderr, "open: %s\n", qPrintable(error.message));
        return 1;
    }
    const qint64 loadMs = t.elapsed();
    drain(200);
    const qint64 rssAfter = vmRssKb();
    std::printf("load %d transfers into QueueManager: %lld ms (target <= 1000 ms)\n", queue.count(),
                loadMs);
    std::printf("memory: VmRSS %lld kB before, %lld kB after (+%lld kB, %.0f bytes/transfer)\n",
                rssBefore, rssAfter, rssAfter - rssBefore,
                double(rssAfter - rssBefore) * 1024.0 / qMax(1, queue.count()));
    std::printf("active jobs: %d, queued: %d\n", queue.activeCount(), queue.queuedCount());

    // Ticks: every active job reports progress before each tick (the worst case).
    const int ticks = 2000;
    qint64 tickNs = 0;
    QElapsedTimer tt;
    for (int i = 1; i <= ticks; ++i) {
        for (qint64 id : jobs.liveIds())
            jobs.job(id)->sendProgress(qint64(i) * 65536, 700LL * 1024 * 1024);
        drain(0);
        QCoreApplication::processEvents();
        tt.start();
        queue.tick();
        tickNs += tt.nsecsElapsed();
    }
    std::printf("tick with %d active of %d stored: %.1f us average over %d ticks\n",
                queue.activeCount(), queue.count(), double(tickNs) / ticks / 1000.0, ticks);

    // A command over everything (pause all, resume all) and its store batch.
    t.restart();
    queue.pauseAll();
    queuetest::flushQueue(queue);
    const qint64 pauseMs = t.elapsed();
    drain(100);
    t.restart();
    queue.resumeAll();
    queuetest::flushQueue(queue);
    std::printf("pause all: %lld ms, resume all: %lld ms (including the store transaction)\n",
                pauseMs, qint64(t.elapsed()));
    t.restart();
    queuetest::shutDownQueue(queue);
    std::printf("shutdown: %lld ms\n", qint64(t.elapsed()));
    return 0;
}

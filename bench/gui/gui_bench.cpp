// bench/gui (a benchmark, not a timed test): with 10,000 stored transfers and 20 running, how
// long until the window is shown and painted, and the longest event-loop stall while progress
// flows. Offscreen:  QT_QPA_PLATFORM=offscreen build-*/tests/ui/gui_bench [COUNT] [SECONDS]
#include "FakeJob.h"
#include "MainWindow.h"
#include "QueueWait.h"
#include "queue/QueueManager.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

using namespace bt;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const int count = argc > 1 ? atoi(argv[1]) : 10000;
    const int seconds = argc > 2 ? atoi(argv[2]) : 5;
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    {
        // The store: COUNT downloads, as a previous run left them.
        QueueManager seed;
        queuetest::FakeJobs jobs;
        seed.setJobFactory(jobs.factory());
        seed.setMaxActive(1);
        queuetest::openQueue(seed, data);
        QList<DownloadRequest> requests;
        for (int i = 0; i < count; ++i) {
            DownloadRequest r;
            r.url = QUrl(QStringLiteral("http://h%1.example/file-%2.bin").arg(i % 50).arg(i));
            r.directory = dir.path();
            requests.append(r);
        }
        seed.enqueue(requests);
        queuetest::flushQueue(seed);
        queuetest::shutDownQueue(seed);
    }

    QElapsedTimer clock;
    clock.start();
    queuetest::FakeJobs jobs;
    QueueManager queue;
    queue.setJobFactory(jobs.factory());
    queuetest::openQueue(queue, data); // the window needs the loaded rows
    const qint64 opened = clock.elapsed();
    ui::MainWindow window(&queue);
    queue.setMaxActive(20);
    queue.setMaxPerHost(0);
    if (!qEnvironmentVariableIsSet("BT_BENCH_NO_WINDOW"))
        window.show();
    QApplication::processEvents(); // the first paint
    const qint64 shown = clock.elapsed();

    // Progress for every running job, as the engine sends it (several times a second).
    qint64 done = 0;
    QTimer feed;
    QObject::connect(&feed, &QTimer::timeout, [&] {
        done += 64 * 1024;
        for (qint64 id : jobs.liveIds())
            if (auto *job = jobs.job(id))
                job->sendProgress(done, 1 << 30);
    });
    feed.start(100);
    // The stall probe: a 5 ms timer; the longest gap between two firings.
    QElapsedTimer gap;
    qint64 worst = 0;
    qint64 sum = 0;
    int ticks = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        if (gap.isValid()) {
            const qint64 ms = gap.elapsed();
            if (ms > worst && qEnvironmentVariableIsSet("BT_BENCH_VERBOSE"))
                std::fprintf(stderr, "gap %lld ms at %lld ms\n", ms, clock.elapsed());
            worst = qMax(worst, ms);
            sum += ms;
            ++ticks;
        }
        gap.restart();
    });
    probe.start(5);
    QTimer::singleShot(seconds * 1000, &app, &QApplication::quit);
    QApplication::exec();
    std::printf("transfers stored:        %d\n", count);
    std::printf("running:                 %d\n", jobs.liveCount());
    std::printf("queue open + load:       %lld ms\n", opened);
    std::printf("window shown + painted:  %lld ms (from start)\n", shown);
    std::printf("event loop, %d s:        longest gap %lld ms (timer 5 ms, mean %.1f ms)\n",
                seconds, worst, ticks ? double(sum) / ticks : 0.0);
    queuetest::shutDownQueue(queue);
    return 0;
}

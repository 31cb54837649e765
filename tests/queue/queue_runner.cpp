// A tiny program for the crash test: runs URLs through a QueueManager over a store, as the
// product does, until the queue is idle. Exit 0 when every transfer completed, 1 otherwise.
//   queue_runner DATA_DIR OUT_DIR MAX_ACTIVE URL...
#include "queue/QueueManager.h"

#include <QCoreApplication>
#include <cstdio>

using namespace bt;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 5)
        return 2;
    QueueManager queue;
    queue.setMaxActive(args.at(3).toInt());
    queue.setMaxPerHost(0);
    QObject::connect(&queue, &QueueManager::opened, &app, [&](const Error &error) {
        if (error.isError()) {
            std::fprintf(stderr, "open: %s\n", qPrintable(error.message));
            app.exit(3);
            return;
        }
        QList<DownloadRequest> requests;
        for (int i = 4; i < args.size(); ++i) {
            DownloadRequest r;
            r.url = QUrl(args.at(i));
            r.directory = args.at(2);
            r.retryDelayMs = 50;
            r.stallTimeoutSec = 5;
            requests.append(r);
        }
        queue.enqueue(requests); // continues the stored ones (same URL and folder)
        if (queue.isIdle())
            QMetaObject::invokeMethod(&queue, &QueueManager::idle, Qt::QueuedConnection);
    });
    int code = 1;
    QObject::connect(&queue, &QueueManager::idle, &app, [&] {
        bool ok = true;
        for (const TransferSnapshot &s : queue.snapshots())
            ok = ok && s.state == TransferState::Completed;
        code = ok ? 0 : 1;
        queue.shutdown();
    });
    QObject::connect(&queue, &QueueManager::shutdownFinished, &app, [&] { app.exit(code); });
    queue.open(args.at(1));
    return app.exec();
}

// A helper process for the kill -9 test: runs one upload through the queue (QueueManager and
// its store in DATA_DIR, as btstream and the window do) and prints "DONE <id>" on success.
// Usage: upload_child DATA_DIR FILE URL METHOD RATE
#include "queue/QueueManager.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 6) {
        std::fprintf(stderr, "usage: upload_child DATA_DIR FILE URL tus|put RATE\n");
        return 2;
    }
    bt::QueueManager queue;
    bt::QueueManager::Options options;
    options.loadExisting = true;
    bt::UploadRequest request;
    request.sourcePath = args.at(2);
    request.url = QUrl(args.at(3));
    request.method = args.at(4) == QLatin1String("put") ? bt::UploadRequest::Method::Put
                                                        : bt::UploadRequest::Method::Tus;
    request.rateLimit = args.at(5).toLongLong();
    request.retryDelayMs = 50;
    int code = 1;
    QObject::connect(&queue, &bt::QueueManager::message, &app, [](qint64, const QString &text) {
        std::fprintf(stderr, "%s\n", qPrintable(text));
    });
    QObject::connect(&queue, &bt::QueueManager::transferFinished, &app,
                     [&](const bt::TransferResult &result) {
                         if (result.error.isError()) {
                             std::fprintf(stderr, "FAILED %s\n", qPrintable(result.error.message));
                         } else {
                             std::printf("DONE %lld\n", result.id);
                             code = 0;
                         }
                         std::fflush(stdout);
                         queue.shutdown();
                     });
    QObject::connect(&queue, &bt::QueueManager::shutdownFinished, &app, [&] { app.exit(code); });
    QObject::connect(&queue, &bt::QueueManager::opened, &app, [&](const bt::Error &opened) {
        if (opened.isError()) {
            std::fprintf(stderr, "store: %s\n", qPrintable(opened.message));
            app.exit(3);
            return;
        }
        bt::Error error;
        const QList<qint64> ids = queue.enqueueUploads({request}, {}, &error);
        if (ids.value(0) <= 0) {
            std::fprintf(stderr, "enqueue: %s\n", qPrintable(error.message));
            code = 3;
            queue.shutdown();
        }
    });
    queue.open(args.at(1), options);
    return app.exec();
}

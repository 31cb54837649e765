// A helper process for the kill -9 test: runs one upload with a store in DATA_DIR and prints
// "DONE <id>" on success. Usage: upload_child DATA_DIR FILE URL METHOD RATE
#include "store/TransferStore.h"
#include "upload/Upload.h"

#include "net/HttpClient.h"
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
    bt::TransferStore store;
    bt::Error error;
    if (!store.open(args.at(1), &error)) {
        std::fprintf(stderr, "store: %s\n", qPrintable(error.message));
        return 3;
    }
    bt::UploadRequest request;
    request.sourcePath = args.at(2);
    request.url = QUrl(args.at(3));
    request.method = args.at(4) == QLatin1String("put") ? bt::UploadRequest::Method::Put
                                                        : bt::UploadRequest::Method::Tus;
    request.rateLimit = args.at(5).toLongLong();
    request.retryDelayMs = 50;
    bt::HttpClient network;
    bt::Upload *upload = bt::Upload::create(request, &network, &store);
    int code = 1;
    QObject::connect(upload, &bt::Upload::message,
                     [](const QString &text) { std::fprintf(stderr, "%s\n", qPrintable(text)); });
    QObject::connect(upload, &bt::Upload::finished, [&](const bt::TransferResult &result) {
        if (result.error.isError()) {
            std::fprintf(stderr, "FAILED %s\n", qPrintable(result.error.message));
        } else {
            std::printf("DONE %lld\n", result.id);
            code = 0;
        }
        std::fflush(stdout);
        app.quit();
    });
    upload->start();
    app.exec();
    delete upload;
    return code;
}

// bench/gui (a benchmark, not a test): the desktop program with real downloads running. Builds
// what app/gui/main.cpp builds (the queue over its store, the window, shown; offscreen under
// QT_QPA_PLATFORM=offscreen), with the settings "URL count at once, CONNECTIONS each", and adds
// the URLs through the add dialog as a user does. Runs until every download ended, then prints
// what ran. Threads, RSS and sockets are measured from outside (bench/gui/proc_peaks.py), the
// same way as for btstream: bench/gui/load.sh runs both.
//   gui_load OUT_DIR CONNECTIONS URL...
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "MainWindow.h"
#include "queue/QueueManager.h"
#include "transfer/NetworkSetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QHash>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

using namespace bt;

int main(int argc, char **argv)
{
    bt::NetworkSetup::tuneMalloc(); // as main.cpp: before any thread exists
    QTemporaryDir config;           // the settings of this run, not the user's
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(config.path()));
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("btfilestream"));
    QApplication::setOrganizationName(QStringLiteral("BTFileStream"));
    QApplication::setQuitOnLastWindowClosed(false);
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("out"), QStringLiteral("download folder"));
    parser.addPositionalArgument(QStringLiteral("connections"),
                                 QStringLiteral("connections per download (0: adaptive)"));
    parser.addPositionalArgument(QStringLiteral("urls"), QStringLiteral("URLs"),
                                 QStringLiteral("URL..."));
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    if (args.size() < 3)
        parser.showHelp(2);
    QList<QUrl> urls;
    for (const QString &a : args.mid(2))
        urls.append(QUrl(a));

    // Settings > Downloads and Queue, as a user sets them for this.
    ui::AppSettings settings = ui::AppSettings::load();
    settings.downloadFolder = args.at(0);
    settings.lastAddFolder = args.at(0);
    settings.maxActive = int(urls.size());
    settings.maxPerHost = int(urls.size());
    settings.connections = args.at(1).toInt();
    settings.save();

    QElapsedTimer clock;
    clock.start();
    QTemporaryDir data;
    QueueManager queue;
    queue.setProxy(settings.proxy);
    // The queue answers open() and shutdown() by signals: each wait is a run of the loop.
    QObject::connect(&queue, &QueueManager::opened, &app, [](const Error &error) {
        if (error.isError())
            std::fprintf(stderr, "gui_load: %s\n", qPrintable(error.message));
        QApplication::exit(error.isError() ? 1 : 0);
    });
    QObject::connect(&queue, &QueueManager::shutdownFinished, &app, [] { QApplication::exit(0); });
    queue.open(data.path());
    if (QApplication::exec() != 0)
        return 1;
    ui::MainWindow window(&queue);
    window.show();

    // What ran: the most connections each download had, how many ran at once, how they ended.
    QHash<qint64, int> connections;
    int runningPeak = 0;
    qint64 firstAllRunningMs = -1;
    QObject::connect(
        &queue, &QueueManager::snapshotsChanged, &app, [&](const QList<TransferSnapshot> &changed) {
            for (const TransferSnapshot &s : changed)
                connections[s.id] = qMax(connections.value(s.id), s.progress.connections);
            runningPeak = qMax(runningPeak, queue.activeCount());
            if (firstAllRunningMs < 0 && queue.activeCount() == urls.size())
                firstAllRunningMs = clock.elapsed();
        });
    int completed = 0;
    int failed = 0;
    QObject::connect(
        &queue, &QueueManager::transferFinished, &app, [&](const TransferResult &result) {
            if (result.error.isError()) {
                ++failed;
                std::fprintf(stderr, "gui_load: %s\n", qPrintable(result.error.message));
            } else {
                ++completed;
            }
            if (completed + failed == urls.size())
                QApplication::exit(0); // quit() would close to the tray
        });

    // The add dialog with the links, and its Add button.
    QPushButton *add =
        window.openAddDialog(urls)->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    if (!add->isEnabled()) {
        std::fprintf(stderr, "gui_load: the add dialog refuses these URLs\n");
        return 2;
    }
    add->click();
    QApplication::exec();
    const qint64 wallMs = clock.elapsed();

    int most = 0;
    int sum = 0;
    for (int c : std::as_const(connections)) {
        most = qMax(most, c);
        sum += c;
    }
    std::printf("downloads: %d completed, %d failed, %d running at once (all from %.1f s)\n",
                completed, failed, runningPeak, firstAllRunningMs / 1000.0);
    std::printf("connections: at most %d a download, %.1f on average at their most\n", most,
                connections.isEmpty() ? 0.0 : double(sum) / connections.size());
    std::printf("wall: %.1f s\n", wallMs / 1000.0);
    queue.shutdown();
    QApplication::exec();
    return failed == 0 ? 0 : 1;
}

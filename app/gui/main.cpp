// btfilestream: the desktop program. Builds the queue over the store, the window and the tray,
// and hands URLs to an instance that already runs.
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "BrowserCatcher.h"
#include "BrowserIntegration.h"
#include "Icons.h"
#include "MainWindow.h"
#include "RemoteQueue.h"
#include "SignalBridge.h"
#include "Translations.h"
#include "ipc/SingleInstance.h"
#include "queue/QueueManager.h"
#include "store/TransferStore.h"
#include "transfer/NetworkSetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

#include <csignal>
#include <memory>
#include <utility>

namespace {

QList<QUrl> urlsOf(const QStringList &arguments)
{
    QList<QUrl> urls;
    for (const QString &a : arguments) {
        const QUrl url = QUrl::fromUserInput(a);
        if (url.isValid())
            urls.append(url);
    }
    return urls;
}

} // namespace

int main(int argc, char **argv)
{
    // Before any thread exists (Qt's, the writer's): caps glibc's per-thread arenas (RSS).
    bt::NetworkSetup::tuneMalloc();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("btfilestream"));
    QApplication::setOrganizationName(QStringLiteral("BTFileStream"));
    QApplication::setApplicationDisplayName(QStringLiteral("BTFileStream"));
    QApplication::setApplicationVersion(QStringLiteral(BT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.btfilestream.BTFileStream"));
    QApplication::setQuitOnLastWindowClosed(false); // the tray keeps it running
    bt::ui::installTranslations(&app);
    QApplication::setWindowIcon(bt::ui::appIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Download and upload manager."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption dataDirOption(
        QStringLiteral("data-dir"),
        QApplication::translate("main", "Keep the transfer database in DIR."),
        QApplication::translate("main", "DIR"));
    QCommandLineOption hiddenOption(QStringLiteral("hidden"),
                                    QApplication::translate("main", "Start in the tray."));
    QCommandLineOption installBrowserOption(
        QStringLiteral("install-browser-integration"),
        QApplication::translate("main", "Let Chromium, Google Chrome and Firefox reach "
                                        "BTFileStream for this user, then exit."));
    QCommandLineOption uninstallBrowserOption(
        QStringLiteral("uninstall-browser-integration"),
        QApplication::translate("main", "Undo --install-browser-integration, then exit."));
    parser.addOption(dataDirOption);
    parser.addOption(hiddenOption);
    parser.addOption(installBrowserOption);
    parser.addOption(uninstallBrowserOption);
    parser.addPositionalArgument(QStringLiteral("urls"),
                                 QApplication::translate("main", "URLs to download."),
                                 QStringLiteral("[URL...]"));
    parser.process(app);
    if (parser.isSet(installBrowserOption) || parser.isSet(uninstallBrowserOption))
        return bt::ui::BrowserIntegration::runCommand(parser.isSet(installBrowserOption));

    const QString dataDir = parser.isSet(dataDirOption) ? parser.value(dataDirOption)
                                                        : bt::TransferStore::defaultDataDir();
    bt::SingleInstance instance(bt::SingleInstance::keyFor(dataDir));
    if (instance.sendToRunning(parser.positionalArguments()))
        return 0;
    instance.listen();

    const bt::ui::AppSettings settings = bt::ui::AppSettings::load();
    bt::QueueManager queue;
    queue.setProxy(settings.proxy); // before open(): the first transfers use it too
    std::unique_ptr<bt::ui::MainWindow> window;
    std::unique_ptr<bt::ui::BrowserCatcher> browser; // downloads from the browser extension
    QList<QStringList> early; // arguments from a second start before the window exists
    const auto handOver = [&window, &browser](const QStringList &arguments) {
        if (browser->take(arguments))
            return;
        const QList<QUrl> urls = urlsOf(arguments);
        if (urls.isEmpty()) {
            window->showNormal();
            window->raise();
            window->activateWindow();
        } else {
            window->openAddDialog(urls);
        }
    };
    QObject::connect(&instance, &bt::SingleInstance::argumentsReceived, &app,
                     [&](const QStringList &arguments) {
                         if (window)
                             handOver(arguments);
                         else
                             early.append(arguments);
                     });
    // Quit (the window, the tray, SIGTERM) shuts the queue down, which stops the transfers and
    // saves their state; the program ends when that is done. Nothing waits on the UI thread.
    QObject::connect(&queue, &bt::QueueManager::shutdownFinished, &app, &QApplication::quit);
    bt::cli::SignalBridge signalBridge;
    signalBridge.install({SIGTERM});
    QObject::connect(&signalBridge, &bt::cli::SignalBridge::signalReceived, &app, [&] {
        if (window)
            window->quitNow();
        else
            queue.shutdown();
    });
    // The window appears once the store is open (its rows come with it); the event loop runs
    // from the start.
    QObject::connect(&queue, &bt::QueueManager::opened, &app, [&](const bt::Error &error) {
        if (error.isError()) {
            if (error.code == bt::ErrorCode::Cancelled)
                return; // SIGTERM while opening: shutdownFinished() follows
            QMessageBox::critical(nullptr, QApplication::translate("main", "BTFileStream"),
                                  QApplication::translate("main", "Cannot open the transfer "
                                                                  "database in %1:\n%2")
                                      .arg(dataDir, error.message));
            QCoreApplication::exit(1);
            return;
        }
        window = std::make_unique<bt::ui::MainWindow>(&queue);
        // File > Connect to…: a daemon's queue over aria2's JSON-RPC (WebSocket).
        window->setRemoteQueueFactory([](const QUrl &url, const QString &secret, QObject *parent) {
            return new bt::rpc::RemoteQueue(url, secret, parent);
        });
        browser = std::make_unique<bt::ui::BrowserCatcher>(window.get(), &queue);
        QObject::connect(window.get(), &bt::ui::MainWindow::quitRequested, &queue,
                         [&queue] { queue.shutdown(); });
        if (!parser.isSet(hiddenOption))
            window->show();
        const QList<QUrl> urls = urlsOf(parser.positionalArguments());
        if (!urls.isEmpty())
            window->openAddDialog(urls);
        for (const QStringList &arguments : std::exchange(early, {}))
            handOver(arguments);
    });
    queue.open(dataDir);
    const int rc = QApplication::exec();
    browser.reset();
    window.reset(); // saves its state; before the queue it shows
    return rc;
}

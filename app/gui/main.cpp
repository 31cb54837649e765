// btfilestream: the desktop program. Builds the queue over the store, the window and the tray,
// and hands URLs to an instance that already runs.
#include "AddDownloadDialog.h"
#include "AppSettings.h"
#include "BrowserCatcher.h"
#include "BrowserIntegration.h"
#include "Icons.h"
#include "MainWindow.h"
#include "Translations.h"
#include "ipc/SingleInstance.h"
#include "queue/QueueManager.h"
#include "store/TransferStore.h"
#include "transfer/NetworkSetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

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
    bt::NetworkSetup::limitMallocArenas();
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
    bt::Error error;
    if (!queue.open(dataDir, &error)) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "BTFileStream"),
                              QApplication::translate("main", "Cannot open the transfer "
                                                              "database in %1:\n%2")
                                  .arg(dataDir, error.message));
        return 1;
    }

    bt::ui::MainWindow window(&queue);
    QObject::connect(&window, &bt::ui::MainWindow::quitRequested, &app, &QApplication::quit,
                     Qt::QueuedConnection);
    bt::ui::BrowserCatcher browser(&window, &queue); // downloads from the browser extension
    QObject::connect(&instance, &bt::SingleInstance::argumentsReceived, &window,
                     [&window, &browser](const QStringList &arguments) {
                         if (browser.take(arguments))
                             return;
                         const QList<QUrl> urls = urlsOf(arguments);
                         if (urls.isEmpty()) {
                             window.showNormal();
                             window.raise();
                             window.activateWindow();
                         } else {
                             window.openAddDialog(urls);
                         }
                     });
    if (!parser.isSet(hiddenOption))
        window.show();
    const QList<QUrl> urls = urlsOf(parser.positionalArguments());
    if (!urls.isEmpty())
        window.openAddDialog(urls);

    const int rc = QApplication::exec();
    queue.shutdown();
    return rc;
}

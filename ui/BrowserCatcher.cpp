#include "BrowserCatcher.h"

#include "AppSettings.h"
#include "MainWindow.h"
#include "ipc/BrowserRequest.h"
#include "model/DownloadRequest.h"
#include "queue/QueueManager.h"

#include <QDir>
#include <QJsonDocument>
#include <QStatusBar>

namespace bt::ui {

BrowserCatcher::BrowserCatcher(MainWindow *window, QueueManager *queue, QObject *parent)
    : QObject(parent), m_window(window), m_queue(queue)
{
}

bool BrowserCatcher::take(const QStringList &arguments)
{
    if (!BrowserRequest::isArguments(arguments))
        return false;
    // The host validated it already; anyone else who can reach the socket is checked again.
    QString error;
    const QJsonObject json = QJsonDocument::fromJson(arguments.value(1).toUtf8()).object();
    const std::optional<BrowserRequest> request = BrowserRequest::fromJson(json, &error);
    if (!request || request->kind == BrowserRequest::Kind::Ping) {
        // The reason only: the message may hold cookies.
        qWarning("btfilestream: refused a browser request: %s", qPrintable(error));
        return true;
    }
    const AppSettings settings = AppSettings::load();
    if (settings.browserStartAtOnce && request->kind == BrowserRequest::Kind::Download)
        startAtOnce(*request);
    else
        m_window->openBrowserDialog(*request);
    return true;
}

void BrowserCatcher::startAtOnce(const BrowserRequest &request)
{
    const AppSettings settings = AppSettings::load();
    QList<DownloadRequest> requests;
    for (const BrowserLink &link : request.links) {
        DownloadRequest r;
        settings.applyTo(&r);
        r.directory = settings.effectiveDownloadFolder();
        request.applyTo(link, &r);
        QDir().mkpath(r.directory);
        requests.append(r);
    }
    Error error;
    const QList<qint64> ids = m_queue->enqueue(requests, QueueManager::EnqueueOptions{}, &error);
    QList<qint64> added;
    for (qint64 id : ids)
        if (id > 0)
            added.append(id);
    if (error.isError())
        m_window->statusBar()->showMessage(tr("Could not add: %1").arg(error.message), 10000);
    else
        m_window->statusBar()->showMessage(
            tr("Added %n download(s) from the browser", nullptr, int(added.size())), 5000);
    Q_EMIT started(added);
}

} // namespace bt::ui
